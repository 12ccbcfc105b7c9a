# fish completion for netprobe.
# Keep in step with --help and the man pages (tests/docs/check_docs.sh checks it).

# Number of positional arguments (host, ports) typed so far; options, their
# separate arguments and @SERVER do not count.
function __netprobe_npositional
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l n 0
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case -s -T -f -F -i -w -c -o --server --timeout --format --send --expect --retries --file --jobs --count --interval --warning --critical --output
                set skip 1
            case '-*' '@*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n
end

function __netprobe_wants_host
    __netprobe_no_subcommand; and test (__netprobe_npositional) -eq 0
end

function __netprobe_wants_port
    __netprobe_no_subcommand; and test (__netprobe_npositional) -ge 1
end

# The subcommands count only as the first word (netprobe listen ..., netprobe local ...,
# netprobe lookup ..., netprobe exporter ...).
function __netprobe_subcommand
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; or return 1
    contains -- $tokens[2] listen local lookup exporter; or return 1
    echo $tokens[2]
end

function __netprobe_no_subcommand
    not __netprobe_subcommand >/dev/null
end

function __netprobe_first_word
    test (count (commandline -opc)) -eq 1
end

function __netprobe_using
    set -l sub (__netprobe_subcommand)
    test "$sub" = $argv[1]
end

# netprobe listen: the first argument, an address literal, 0 or unix:.
function __netprobe_listen_targets
    set -l tok (commandline -ct)
    if string match -q -- 'unix:*' $tok
        __netprobe_unix_targets
    else
        printf '%s\t%s\n' 127.0.0.1 'IPv4 loopback' ::1 'IPv6 loopback' \
            0.0.0.0 'INADDR_ANY: every IPv4 interface' :: 'in6addr_any: every interface' \
            0 'port 0: the kernel chooses' unix: 'Unix-domain socket: unix:/path or unix:@name'
    end
end

# netprobe local: the ports something listens on here.
function __netprobe_listening_ports
    type -q ss; or return
    ss -Hltun 2>/dev/null | string match -r -g ':(\d+)\s+\S+\s*$' | sort -un
end

# The first argument: unix:/path (files, folders), unix:@name (abstract names
# bound on this host, from /proc/net/unix), or the prefix unix: itself.
function __netprobe_unix_targets
    set -l tok (commandline -ct)
    if string match -q -- 'unix:@*' $tok
        test -r /proc/net/unix; or return
        string match -r -g ' (@\S+)$' </proc/net/unix | sort -u | string replace -r '^' 'unix:'
    else if string match -q -- 'unix:*' $tok
        for f in (__fish_complete_path (string replace -- unix: '' $tok))
            echo unix:$f
        end
    else
        printf '%s\t%s\n' unix: 'Unix-domain socket: unix:/path or unix:@name'
    end
end

# netprobe lookup: positional arguments after "lookup" (options, their separate
# arguments and @SERVER do not count); with -x/--reverse or --file there is no NAME.
function __netprobe_lookup_npositional
    set -l tokens (commandline -opc)
    set -e tokens[1..2]
    set -l n 0
    set -l skip 0
    set -l reverse 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case -x --reverse
                set reverse 1
                set skip 1
            case '-x?*' '--reverse=*'
                set reverse 1
            case -F --file
                set reverse 1
                set skip 1
            case '-F?*' '--file=*'
                set reverse 1
            case -s -T -f -o --server --timeout --format --jobs --output
                set skip 1
            case '-*' '@*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n $reverse
end

function __netprobe_lookup_wants_name
    __netprobe_using lookup; or return 1
    test (__netprobe_lookup_npositional | string join ' ') = "0 0"
end

function __netprobe_lookup_wants_type
    __netprobe_using lookup; or return 1
    test (__netprobe_lookup_npositional | string join ' ') != "0 0"
end

function __netprobe_services
    test -r /etc/services; or return
    string match -r -g '^([^#\s]+)\s+\d+/tcp' </etc/services
end

complete -c netprobe -f
complete -c netprobe -n __netprobe_no_subcommand -s 4 -l ipv4 -d 'IPv4 only: ask A only, probe IPv4 only'
complete -c netprobe -n __netprobe_no_subcommand -s 6 -l ipv6 -d 'IPv6 only: ask AAAA only, probe IPv6 only'
complete -c netprobe -n __netprobe_no_subcommand -s s -l server -x -d 'DNS server ADDRESS[:PORT], as @SERVER'
complete -c netprobe -n __netprobe_no_subcommand -s t -l tcp -d 'Stream probes: TCP, or SOCK_STREAM for unix: (default)'
complete -c netprobe -n __netprobe_no_subcommand -s u -l udp -d 'Datagram probes: UDP, or SOCK_DGRAM for unix:'
complete -c netprobe -n __netprobe_no_subcommand -l dgram -d 'Same as --udp'
complete -c netprobe -n __netprobe_no_subcommand -s T -l timeout -x -d 'Time limit per phase (DNS, connect, reply), seconds (default 3)'
complete -c netprobe -n __netprobe_no_subcommand -l send -x -d 'Send DATA once connected (escapes \\n \\r \\t \\0 \\\\ \\xHH)'
complete -c netprobe -n __netprobe_no_subcommand -l expect -x -d 'The answer must contain TEXT (a banner check)'
complete -c netprobe -n __netprobe_no_subcommand -l reset -d 'Close each TCP connection with a reset (RST, as nmap -sT), not a FIN'
complete -c netprobe -n __netprobe_no_subcommand -l retries -x -a '(seq 0 10)' -d 'UDP: resends within the timeout (default 2)'
complete -c netprobe -n __netprobe_no_subcommand -s F -l file -r -F -d 'Targets from FILE, one a line (- is standard input)'
complete -c netprobe -n __netprobe_no_subcommand -l jobs -x -d 'Targets in flight at once (default from ulimit -n)'
complete -c netprobe -n __netprobe_no_subcommand -l count -x -d 'Probe N rounds, as ping does (0: until interrupted)'
complete -c netprobe -n __netprobe_no_subcommand -s i -l interval -x -d 'Seconds between the starts of rounds (default 1)'
complete -c netprobe -n __netprobe_no_subcommand -l re-resolve -d 'Resolve the name again before every round'
complete -c netprobe -n __netprobe_no_subcommand -s f -l format -x -a 'text ndjson json nagios prometheus' -d 'Output format'
complete -c netprobe -n __netprobe_no_subcommand -s w -l warning -x -d '--format nagios: WARNING outside TIME[,LOSS%]'
complete -c netprobe -n __netprobe_no_subcommand -s c -l critical -x -d '--format nagios: CRITICAL outside TIME[,LOSS%]'
complete -c netprobe -n __netprobe_no_subcommand -s o -l output -r -F -d 'Write the report to FILE whole, then rename it'
complete -c netprobe -n __netprobe_no_subcommand -s j -l json -d 'Same as --format=json'
complete -c netprobe -n __netprobe_no_subcommand -s d -l dump -d 'Show each sockaddr byte by byte'
complete -c netprobe -n __netprobe_no_subcommand -l no-hosts -d 'Do not consult the hosts file'
complete -c netprobe -n __netprobe_no_subcommand -s h -l help -d 'Show help and exit'
complete -c netprobe -n __netprobe_no_subcommand -s V -l version -d 'Show version and exit'
complete -c netprobe -n __netprobe_wants_host -a '(__fish_print_hostnames)' -d Host
complete -c netprobe -n __netprobe_wants_host -a '(__netprobe_unix_targets)'
complete -c netprobe -n __netprobe_wants_port -a '(__netprobe_services)' -d Port

# Subcommands, as the first word.
complete -c netprobe -n __netprobe_first_word -a listen -d 'Play the server: bind, listen, accept, echo'
complete -c netprobe -n __netprobe_first_word -a local -d 'Who listens on a port here, and who can reach it'
complete -c netprobe -n __netprobe_first_word -a lookup -d 'Ask DNS as dig does: any type, every section, TTLs'
complete -c netprobe -n __netprobe_first_word -a exporter -d "Serve Prometheus metrics, a probe per scrape (blackbox_exporter's pattern)"

# netprobe listen [OPTIONS] [ADDR] PORT | unix:/PATH | unix:@ABSTRACT
complete -c netprobe -n '__netprobe_using listen' -s b -l bind -x -a '127.0.0.1 ::1 0.0.0.0 ::' -d 'Bind this address (repeatable)'
complete -c netprobe -n '__netprobe_using listen' -s t -l tcp -d 'Stream: TCP, or SOCK_STREAM for unix: (default)'
complete -c netprobe -n '__netprobe_using listen' -s u -l udp -d 'Datagram: UDP, or SOCK_DGRAM for unix:'
complete -c netprobe -n '__netprobe_using listen' -l dgram -d 'Same as --udp'
complete -c netprobe -n '__netprobe_using listen' -l v6only -d 'On ::, IPV6_V6ONLY=1: IPv6 clients only'
complete -c netprobe -n '__netprobe_using listen' -l dual-stack -d 'On ::, IPV6_V6ONLY=0: IPv4 too (the default on ::)'
complete -c netprobe -n '__netprobe_using listen' -l reply -x -d 'Send TEXT to each client instead of echoing'
complete -c netprobe -n '__netprobe_using listen' -l max-clients -x -d 'Clients at once; more are accepted and closed (64)'
complete -c netprobe -n '__netprobe_using listen' -l idle -x -d 'Close a client silent this long, seconds (30)'
complete -c netprobe -n '__netprobe_using listen' -l max-bytes -x -d 'Close a client after N bytes in (1048576)'
complete -c netprobe -n '__netprobe_using listen' -l backlog -x -d 'listen() backlog (128)'
complete -c netprobe -n '__netprobe_using listen' -l count -x -d 'Stop after N clients (datagrams for UDP)'
complete -c netprobe -n '__netprobe_using listen' -s f -l format -x -a 'text ndjson json' -d 'Output format'
complete -c netprobe -n '__netprobe_using listen' -s j -l json -d 'Same as --format=json'
complete -c netprobe -n '__netprobe_using listen' -s d -l dump -d "Show each client's sockaddr byte by byte"
complete -c netprobe -n '__netprobe_using listen' -s h -l help -d 'Show help and exit'
complete -c netprobe -n '__netprobe_using listen' -a '(__netprobe_listen_targets)'

# netprobe local [OPTIONS] PORT
complete -c netprobe -n '__netprobe_using local' -l proc -d 'Read /proc/net instead of sock_diag netlink'
complete -c netprobe -n '__netprobe_using local' -s T -l timeout -x -d 'Limit for each connect, seconds (default 3)'
complete -c netprobe -n '__netprobe_using local' -s f -l format -x -a 'text json' -d 'Output format'
complete -c netprobe -n '__netprobe_using local' -s j -l json -d 'Same as --format=json'
complete -c netprobe -n '__netprobe_using local' -s h -l help -d 'Show help and exit'
complete -c netprobe -n '__netprobe_using local' -a '(__netprobe_listening_ports)' -d 'Listening port'

# netprobe lookup [OPTIONS] [@SERVER[:PORT]] NAME [TYPE...] | -x ADDRESS [TYPE...]
complete -c netprobe -n '__netprobe_using lookup' -s s -l server -x -d 'DNS server ADDRESS[:PORT], as @SERVER'
complete -c netprobe -n '__netprobe_using lookup' -s x -l reverse -x -d 'Reverse lookup: PTR of in-addr.arpa / ip6.arpa'
complete -c netprobe -n '__netprobe_using lookup' -s t -l tcp -d 'Ask over TCP from the start'
complete -c netprobe -n '__netprobe_using lookup' -l norecurse -d 'Clear RD: ask the server only what it knows'
complete -c netprobe -n '__netprobe_using lookup' -l short -d "The answers' rdata only, like dig +short"
complete -c netprobe -n '__netprobe_using lookup' -l compare-system -d 'Also ask getaddrinfo (NSS) and say where it disagrees'
complete -c netprobe -n '__netprobe_using lookup' -s T -l timeout -x -d 'Give up after this long, seconds (default 3)'
complete -c netprobe -n '__netprobe_using lookup' -s d -l dump -d 'Each reply as annotated hex, field by field'
complete -c netprobe -n '__netprobe_using lookup' -s F -l file -r -F -d 'Ask for every NAME [TYPE...] line of FILE (- for stdin)'
complete -c netprobe -n '__netprobe_using lookup' -l jobs -x -d 'Names in flight with --file (default 100)'
complete -c netprobe -n '__netprobe_using lookup' -s f -l format -x -a 'text ndjson json prometheus' -d 'Output format'
complete -c netprobe -n '__netprobe_using lookup' -s o -l output -r -F -d 'Write the report to FILE whole, then rename it'
complete -c netprobe -n '__netprobe_using lookup' -s j -l json -d 'Same as --format=json'
complete -c netprobe -n '__netprobe_using lookup' -s h -l help -d 'Show help and exit'
complete -c netprobe -n __netprobe_lookup_wants_name -a '(__fish_print_hostnames)' -d Name
complete -c netprobe -n __netprobe_lookup_wants_type -a A -d 'IPv4 address'
complete -c netprobe -n __netprobe_lookup_wants_type -a AAAA -d 'IPv6 address'
complete -c netprobe -n __netprobe_lookup_wants_type -a CNAME -d 'Canonical name (alias)'
complete -c netprobe -n __netprobe_lookup_wants_type -a MX -d 'Mail exchange'
complete -c netprobe -n __netprobe_lookup_wants_type -a NS -d 'Name server'
complete -c netprobe -n __netprobe_lookup_wants_type -a TXT -d 'Text strings'
complete -c netprobe -n __netprobe_lookup_wants_type -a SRV -d 'Service location'
complete -c netprobe -n __netprobe_lookup_wants_type -a SOA -d 'Start of authority'
complete -c netprobe -n __netprobe_lookup_wants_type -a PTR -d 'Pointer (reverse)'
complete -c netprobe -n __netprobe_lookup_wants_type -a CAA -d 'Certification authority authorization'
complete -c netprobe -n __netprobe_lookup_wants_type -a ANY -d 'Every type the server holds for the name'

# netprobe exporter [OPTIONS] [@SERVER[:PORT]]
complete -c netprobe -n '__netprobe_using exporter' -l listen -x -a '127.0.0.1:9116 [::1]:9116 0.0.0.0:9116' -d 'Listen on ADDR:PORT (127.0.0.1:9116)'
complete -c netprobe -n '__netprobe_using exporter' -s 4 -l ipv4 -d 'Probe IPv4 addresses only (family=ip6 overrides)'
complete -c netprobe -n '__netprobe_using exporter' -s 6 -l ipv6 -d 'Probe IPv6 addresses only (family=ip4 overrides)'
complete -c netprobe -n '__netprobe_using exporter' -s s -l server -x -d 'DNS server ADDRESS[:PORT], as @SERVER'
complete -c netprobe -n '__netprobe_using exporter' -s T -l timeout -x -d "Each probe's timeout, seconds (default 3)"
complete -c netprobe -n '__netprobe_using exporter' -l no-hosts -d 'Do not read the hosts file'
complete -c netprobe -n '__netprobe_using exporter' -l max-probes -x -d 'Probes at once; more scrapes get 503 (64)'
complete -c netprobe -n '__netprobe_using exporter' -l max-timeout -x -d 'No scrape gets a longer timeout, seconds (30)'
complete -c netprobe -n '__netprobe_using exporter' -l allow-unix -d 'Serve module=unix'
complete -c netprobe -n '__netprobe_using exporter' -s h -l help -d 'Show help and exit'
