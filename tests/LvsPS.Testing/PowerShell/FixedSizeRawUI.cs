using System.Management.Automation.Host;

namespace LvsPS.Testing;

/// <summary>
/// The raw UI of a host without a terminal: a fixed window and buffer width (what format views wrap
/// to), no keyboard, no screen buffer, for the test host (CapturingHost).
/// </summary>
public sealed class FixedSizeRawUI(int width) : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override Size BufferSize { get; set; } = new(width, 3000);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; }
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;
    public override bool KeyAvailable => false;
    public override Size MaxPhysicalWindowSize => new(width, 100);
    public override Size MaxWindowSize => new(width, 100);
    public override Coordinates WindowPosition { get; set; }
    public override Size WindowSize { get; set; } = new(width, 100);
    public override string WindowTitle { get; set; } = "";
    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
