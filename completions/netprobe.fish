# fish completion for netprobe.
# Keep in step with the long_options table in src/cli.c, --help and man/netprobe.1.

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
            case -s -T -f --server --timeout --format
                set skip 1
            case '-*' '@*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n
end

function __netprobe_wants_host
    test (__netprobe_npositional) -eq 0
end

function __netprobe_wants_port
    test (__netprobe_npositional) -ge 1
end

function __netprobe_services
    test -r /etc/services; or return
    string match -r -g '^([^#\s]+)\s+\d+/tcp' </etc/services
end

complete -c netprobe -f
complete -c netprobe -s 4 -l ipv4 -d 'IPv4 only: ask A only, probe IPv4 only'
complete -c netprobe -s 6 -l ipv6 -d 'IPv6 only: ask AAAA only, probe IPv6 only'
complete -c netprobe -s s -l server -x -d 'DNS server ADDRESS[:PORT], as @SERVER'
complete -c netprobe -s T -l timeout -x -d 'Time limit per phase, seconds (default 3)'
complete -c netprobe -s f -l format -x -a 'text json' -d 'Output format'
complete -c netprobe -s j -l json -d 'Same as --format=json'
complete -c netprobe -s d -l dump -d 'Show each sockaddr byte by byte'
complete -c netprobe -l no-hosts -d 'Do not consult the hosts file'
complete -c netprobe -s h -l help -d 'Show help and exit'
complete -c netprobe -s V -l version -d 'Show version and exit'
complete -c netprobe -n __netprobe_wants_host -a '(__fish_print_hostnames)' -d Host
complete -c netprobe -n __netprobe_wants_port -a '(__netprobe_services)' -d Port
