using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LvsPS.Native.Health.Probes;

/// <summary>keepalived's HTTP_GET conversation, pure: the request bytes and the judgement of a response.</summary>
public static class HttpExchange
{
    /// <summary>keepalived's request: GET, User-Agent, Connection: close for 1.0C and 1.1, Host; nothing else.</summary>
    public static byte[] Request(string path, string host, HttpProtocolVersion protocol)
    {
        var text = new StringBuilder(128)
            .Append("GET ").Append(path).Append(protocol == HttpProtocolVersion.Http11 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n")
            .Append("User-Agent: KeepAliveClient\r\n");
        if (protocol != HttpProtocolVersion.Http10)
            text.Append("Connection: close\r\n");
        text.Append("Host: ").Append(host).Append("\r\n\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The status code as keepalived reads it: three digits between the first space and another space; 0 if not.</summary>
    public static int StatusCode(ReadOnlySpan<byte> header)
    {
        int space = header.IndexOfAny((byte)' ', (byte)'\r');
        if (space < 0 || header[space] != ' ' || space + 4 >= header.Length || header[space + 4] != ' ')
            return 0;
        int code = 0;
        for (int i = space + 1; i <= space + 3; i++)
        {
            if (header[i] is < (byte)'0' or > (byte)'9')
                return 0;
            code = code * 10 + header[i] - '0';
        }
        return code;
    }

    /// <summary>Offset of the body: just past the first CRLF CRLF; -1 while the header is incomplete.</summary>
    public static int BodyOffset(ReadOnlySpan<byte> data)
    {
        int end = data.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    /// <summary>The Content-Length header's value, or null without one (or with one that is not a number).</summary>
    public static long? ContentLength(ReadOnlySpan<byte> header)
    {
        string text = Encoding.ASCII.GetString(header);
        foreach (string line in text.Split("\r\n"))
        {
            if (!line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                continue;
            return long.TryParse(line.AsSpan("Content-Length:".Length).Trim(), out long n) && n >= 0 ? n : null;
        }
        return null;
    }
}

/// <summary>
/// Reads one response as it arrives: finds the header, feeds the body (up to Content-Length) to
/// MD5, keeps the body for a regex. Its verdict applies keepalived's order: a full
/// header, the status code, the digest, then the regex.
/// </summary>
public sealed class HttpResponseReader : IDisposable, Engine.ILoopSink
{
    /// <summary>keepalived keeps 4 KiB of a response in hand; a regex looks at the first 64 KiB here.</summary>
    private const int MaxHeader = 16 * 1024, MaxRegexBody = 64 * 1024;
    private readonly HttpUrl _url;
    private readonly IncrementalHash? _md5;
    private readonly List<byte> _header = new();
    private readonly MemoryStream? _body;
    private long _bodyBytes;
    private long? _contentLength;
    private int _status;

    public HttpResponseReader(HttpUrl url)
    {
        _url = url;
        if (url.Digest is not null)
            _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        if (url.Regex is not null)
            _body = new MemoryStream();
    }

    public bool HeaderComplete { get; private set; }
    public int Status => _status;
    public long BodyBytes => _bodyBytes;
    /// <summary>The body's MD5 as lower-case hex once <see cref="Finish"/> ran (null without a digest to check).</summary>
    public string? Digest { get; private set; }

    /// <summary>Feeds received bytes; false when the header grows past its cap (a failure).</summary>
    public bool Feed(ReadOnlySpan<byte> data)
    {
        if (!HeaderComplete)
        {
            int before = _header.Count;
            foreach (byte b in data)
                _header.Add(b);
            int offset = HttpExchange.BodyOffset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_header));
            if (offset < 0)
                return _header.Count <= MaxHeader;
            HeaderComplete = true;
            ReadOnlySpan<byte> header = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_header)[..offset];
            _status = HttpExchange.StatusCode(header);
            _contentLength = HttpExchange.ContentLength(header);
            data = data[(offset - before)..];
        }
        Body(data);
        return true;
    }

    private void Body(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        long room = _contentLength is { } limit ? Math.Max(0, limit - _bodyBytes) : long.MaxValue;
        ReadOnlySpan<byte> counted = data.Length > room ? data[..(int)room] : data;
        _md5?.AppendData(counted);
        if (_body is not null && _body.Length < MaxRegexBody)
            _body.Write(data[..Math.Min(data.Length, MaxRegexBody - (int)_body.Length)]);
        _bodyBytes += data.Length;
    }

    /// <summary>Null when the url passes, else why not (keepalived's order of checks).</summary>
    public string? Finish()
    {
        if (!HeaderComplete)
            return _header.Count == 0 ? "no data received" : "no complete HTTP header received";
        if (!_url.Accepts(_status))
            return _status == 0 ? "no status code in the response" : $"status {_status} is not one of {string.Join(',', _url.EffectiveStatusCodes)}";
        if (_md5 is not null)
        {
            Digest = Convert.ToHexString(_md5.GetHashAndReset()).ToLowerInvariant();
            if (!string.Equals(Digest, _url.Digest, StringComparison.OrdinalIgnoreCase))
                return $"body MD5 {Digest} is not {_url.Digest!.ToLowerInvariant()}";
        }
        if (_url.Regex is { } pattern)
        {
            string body = Encoding.UTF8.GetString(_body!.GetBuffer(), 0, (int)_body.Length);
            bool matched = Regex.IsMatch(body, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            if (matched == _url.RegexNoMatch)
                return _url.RegexNoMatch ? $"the body matches {pattern}" : $"the body does not match {pattern}";
        }
        return null;
    }

    public void Dispose() => _md5?.Dispose();
}
