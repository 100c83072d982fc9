namespace LvsPS.Native.Configuration.Keepalived;

/// <summary>
/// The keywords keepalived 2.2.7 accepts in each block, measured with <c>keepalived -t</c> (a
/// keyword is listed when it does not draw "Unknown keyword" there). A keyword outside its
/// block's list is reported as keepalived reports it; one inside it that LvsPS does not act on
/// is kept as written so that an export writes it back.
/// </summary>
internal static class KeepalivedKeywords
{
    private static HashSet<string> Set(string words) => new(words.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    public static readonly HashSet<string> TopLevel = Set(
        "global_defs static_ipaddress static_routes static_rules vrrp_script vrrp_sync_group vrrp_instance virtual_server_group virtual_server " +
        "vrrp_track_file track_file vrrp_track_process linkbeat_interfaces bfd_instance garp_group SSL net_namespace instance use_pid_dir");

    /// <summary>Top-level blocks LvsPS keeps as written but does not run.</summary>
    public static readonly HashSet<string> TopLevelKeptAsWritten = Set(
        "static_routes static_rules vrrp_track_file track_file vrrp_track_process linkbeat_interfaces bfd_instance garp_group SSL net_namespace instance use_pid_dir");

    public static readonly HashSet<string> Global = Set(
        "bfd_cpu_affinity bfd_no_swap bfd_priority bfd_process_name bfd_rlimit_rttime bfd_rt_priority checker_cpu_affinity checker_log_all_failures " +
        "checker_no_swap checker_priority checker_process_name checker_rlimit_rttime checker_rt_priority config_save_dir data_use_instance " +
        "dbus_service_name default_interface dynamic_interfaces enable_dbus enable_script_security enable_snmp_checker enable_snmp_rfc " +
        "enable_snmp_rfcv2 enable_snmp_rfcv3 enable_snmp_vrrp enable_traps fifo_write_vrrp_states_on_reload include_check log_unknown_vrids " +
        "lvs_flush lvs_flush_on_stop lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs " +
        "lvs_netlink_monitor_rcv_bufs_force lvs_notify_fifo lvs_notify_fifo_script lvs_sync_daemon lvs_timeouts max_auto_priority " +
        "min_auto_priority_delay nftables nftables_counters nftables_ifindex nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark " +
        "nftables_priority no_checker_emails no_email_faults notification_email notification_email_from notify_fifo notify_fifo_script " +
        "process_monitor_rcv_bufs process_monitor_rcv_bufs_force process_name process_names random_seed reload_check_config reload_file " +
        "reload_repeat reload_time_file router_id rs_init_notifies script_user shutdown_script shutdown_script_timeout smtp_alert " +
        "smtp_alert_checker smtp_alert_vrrp smtp_connect_timeout smtp_helo_name smtp_server snmp_socket startup_script startup_script_timeout " +
        "tmp_config_directory umask vmac_addr_prefix vmac_prefix vrrp_check_unicast_src vrrp_cpu_affinity vrrp_down_timer_adverts " +
        "vrrp_garp_extra_if vrrp_garp_interval vrrp_garp_lower_prio_delay vrrp_garp_lower_prio_repeat vrrp_garp_master_delay " +
        "vrrp_garp_master_refresh vrrp_garp_master_refresh_repeat vrrp_garp_master_repeat vrrp_gna_interval vrrp_higher_prio_send_advert " +
        "vrrp_iptables vrrp_lower_prio_no_advert vrrp_mcast_group4 vrrp_mcast_group6 vrrp_min_garp vrrp_netlink_cmd_rcv_bufs " +
        "vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force vrrp_no_swap vrrp_notify_fifo " +
        "vrrp_notify_fifo_script vrrp_notify_priority_changes vrrp_priority vrrp_process_name vrrp_rlimit_rttime vrrp_rt_priority " +
        "vrrp_rx_bufs_multiplier vrrp_rx_bufs_policy vrrp_skip_check_adv_addr vrrp_startup_delay vrrp_strict vrrp_version");

    public static readonly HashSet<string> VrrpScript = Set("script interval timeout weight rise fall user init_fail");

    public static readonly HashSet<string> SyncGroup = Set(
        "group global_tracking notify notify_backup notify_fault notify_master notify_priority_changes notify_stop smtp_alert " +
        "sync_group_tracking_weight track_bfd track_file track_interface track_process track_script");

    public static readonly HashSet<string> Instance = Set(
        "accept advert_int authentication check_unicast_src debug dont_track_primary down_timer_adverts garp_extra_if garp_lower_prio_delay " +
        "garp_lower_prio_repeat garp_master_delay garp_master_refresh garp_master_refresh_repeat garp_master_repeat higher_prio_send_advert " +
        "interface kernel_rx_buf_size linkbeat_use_polling lower_prio_no_advert mcast_dst_ip mcast_src_ip native_ipv6 no_accept nopreempt " +
        "notify notify_backup notify_deleted notify_fault notify_master notify_master_rx_lower_pri notify_priority_changes notify_stop " +
        "old_unicast_checksum preempt preempt_delay priority promote_secondaries skip_check_adv_addr smtp_alert state strict_mode track_bfd " +
        "track_file track_interface track_process track_script track_src_ip unicast_fault_no_peer unicast_peer unicast_src_ip unicast_ttl " +
        "use_ipvlan use_vmac use_vmac_addr version virtual_ipaddress virtual_ipaddress_excluded virtual_routes virtual_rules vmac_xmit_base " +
        "vrf lvs_sync_daemon_interface virtual_router_id");

    public static readonly HashSet<string> VirtualServer = Set(
        "alpha connect_timeout delay_before_retry delay_loop ha_suspend hysteresis inhibit_on_failure ip_family lvs_method lvs_sched omega " +
        "ops persistence_engine persistence_granularity persistence_timeout protocol quorum quorum_down quorum_up real_server retry smtp_alert " +
        "snmp_name sorry_server sorry_server_inhibit sorry_server_lvs_method virtualhost warmup weight lb_algo lb_kind " +
        "sh-port sh-fallback mh-port mh-fallback flag-1 flag-2 flag-3");

    public static readonly HashSet<string> RealServer = Set(
        "alpha connect_timeout delay_before_retry delay_loop inhibit_on_failure lthreshold lvs_method notify_down notify_up retry " +
        "smtp_alert snmp_name uthreshold virtualhost warmup weight");

    public static readonly HashSet<string> CheckerBlocks = Set("TCP_CHECK HTTP_GET SSL_GET DNS_CHECK SMTP_CHECK UDP_CHECK PING_CHECK MISC_CHECK FILE_CHECK BFD_CHECK");

    private const string Connection = "alpha bind_if bind_port bindto connect_ip connect_port connect_timeout delay_before_retry delay_loop fwmark log_all_failures retry warmup ";

    public static readonly IReadOnlyDictionary<string, HashSet<string>> Checker = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
    {
        ["TCP_CHECK"] = Set(Connection),
        ["HTTP_GET"] = Set(Connection + "enable_sni fast_recovery http_protocol url virtualhost nb_get_retry"),
        ["SSL_GET"] = Set(Connection + "enable_sni fast_recovery http_protocol url virtualhost nb_get_retry"),
        ["DNS_CHECK"] = Set(Connection + "name type"),
        ["SMTP_CHECK"] = Set(Connection + "helo_name host"),
        ["UDP_CHECK"] = Set(Connection + "payload require_reply min_reply_length max_reply_length"),
        ["PING_CHECK"] = Set(Connection),
        ["MISC_CHECK"] = Set("alpha delay_before_retry delay_loop log_all_failures misc_dynamic misc_path misc_timeout retry user warmup"),
        ["FILE_CHECK"] = Set("track_file weight"),
        ["BFD_CHECK"] = Set("alpha name"),
    };

    public static readonly HashSet<string> Url = Set("digest path regex regex_max_offset regex_min_offset regex_no_match regex_options regex_stack status_code virtualhost");
}
