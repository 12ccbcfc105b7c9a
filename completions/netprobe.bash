# bash completion for netprobe                              -*- shell-script -*-
# Keep in step with --help and the man pages (tests/docs/check_docs.sh checks it).
# shellcheck disable=SC2207,SC2016  # COMPREPLY=($(compgen ...)) is the bash-completion idiom

# Service names for TCP ports, from /etc/services.
_netprobe_services()
{
    [[ -r /etc/services ]] || return
    awk '!/^[[:space:]]*#/ && $2 ~ /\/tcp$/ { print $1 }' /etc/services 2>/dev/null
}

# Abstract Unix-domain socket names bound on this host ("@name"), from /proc/net/unix.
_netprobe_abstract()
{
    [[ -r /proc/net/unix ]] || return
    awk 'NR > 1 && $8 ~ /^@/ { print $8 }' /proc/net/unix 2>/dev/null | sort -u
}

# How many positional arguments (host, ports) precede the word being completed.
# Options, their separate arguments and @SERVER do not count.
_netprobe_npositional()
{
    local i word n=0 skip=0
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if ((skip)); then
            skip=0
            continue
        fi
        case $word in
            -s | -T | -f | -F | -i | -w | -c | -o | --server | --timeout | --format | --send | --expect | --retries | --file | --jobs | --count | --interval | --warning | --critical | --output)
                skip=1
                ;;
            --) ;;
            -* | @*) ;;
            *) ((n++)) ;;
        esac
    done
    echo "$n"
}

# The first argument: a host, or unix:/path (files) or unix:@name (abstract).
_netprobe_target()
{
    local path f
    local -a found
    if [[ $cur == unix:* ]]; then
        path=${cur#unix:}
        if [[ $path == @* ]]; then
            found=($(compgen -W '$(_netprobe_abstract)' -- "$path"))
        else
            local IFS=$'\n'
            for f in $(compgen -f -- "$path"); do
                [[ -d $f ]] && f+=/
                found+=("$f")
            done
            [[ ${found[*]-} == */ ]] && compopt -o nospace
        fi
        COMPREPLY=("${found[@]/#/unix:}")
        __ltrim_colon_completions "$cur"
        return
    fi
    _known_hosts_real -- "$cur"
    if [[ unix: == "$cur"* ]]; then
        COMPREPLY+=(unix:)
        ((${#COMPREPLY[@]} == 1)) && compopt -o nospace
        __ltrim_colon_completions "$cur"
    fi
}

# Ports something listens on here (TCP and UDP), for "netprobe local PORT".
_netprobe_listening_ports()
{
    type ss &>/dev/null || return
    ss -Hltun 2>/dev/null | awk '{ n = split($5, a, ":"); print a[n] }' | sort -un
}

# netprobe listen [OPTIONS] [ADDR] PORT | unix:/PATH | unix:@ABSTRACT
_netprobe_listen()
{
    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'text ndjson json' -- "$cur"))
            return
            ;;
        -b | --bind)
            COMPREPLY=($(compgen -W '127.0.0.1 ::1 0.0.0.0 ::' -- "$cur"))
            __ltrim_colon_completions "$cur"
            return
            ;;
        --reply | --max-clients | --idle | --max-bytes | --backlog | --count | -h | --help)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-b --bind= -t --tcp -u --udp --dgram --v6only
            --dual-stack --reply= --max-clients= --idle= --max-bytes= --backlog=
            --count= -f --format= -j --json -d --dump -h --help' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi

    if [[ $cur == unix:* ]]; then
        _netprobe_target
        return
    fi
    # An address literal (or the port; 0 lets the kernel choose), or unix:.
    COMPREPLY=($(compgen -W '127.0.0.1 ::1 0.0.0.0 :: 0 unix:' -- "$cur"))
    [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == unix: ]] && compopt -o nospace
    __ltrim_colon_completions "$cur"
}

# netprobe local [OPTIONS] PORT
_netprobe_local()
{
    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'text json' -- "$cur"))
            return
            ;;
        -T | --timeout | -h | --help)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--proc -T --timeout= -f --format= -j --json
            -h --help' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi

    COMPREPLY=($(compgen -W '$(_netprobe_listening_ports)' -- "$cur"))
}

# netprobe lookup [OPTIONS] [@SERVER[:PORT]] NAME [TYPE...] | -x ADDRESS [TYPE...]
#                 | --file FILE [TYPE...]
_netprobe_lookup()
{
    local types='A AAAA CNAME MX NS TXT SRV SOA PTR CAA ANY'

    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'text ndjson json prometheus' -- "$cur"))
            return
            ;;
        -F | --file | -o | --output)
            _filedir
            return
            ;;
        -s | --server | -x | --reverse | -T | --timeout | --jobs | -h | --help)
            # An address literal / seconds: nothing to offer.
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-s --server= -x --reverse= -t --tcp --norecurse
            --short --compare-system -T --timeout= -d --dump -F --file= --jobs=
            -f --format= -j --json -o --output= -h --help' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi

    # @SERVER[:PORT] is an address literal; nothing sensible to complete.
    [[ $cur == @* ]] && return

    # Positional arguments before this word (after "lookup"); with -x there is
    # no NAME, every positional argument is a TYPE.
    local i word n=0 skip=0 reverse=0
    for ((i = 2; i < cword; i++)); do
        word=${words[i]}
        if ((skip)); then
            skip=0
            continue
        fi
        case $word in
            -x | --reverse) reverse=1 skip=1 ;;
            -x?* | --reverse=*) reverse=1 ;;
            -F | --file) reverse=1 skip=1 ;;    # no NAME either: TYPEs only
            -F?* | --file=*) reverse=1 ;;
            -s | -T | -f | -o | --server | --timeout | --format | --jobs | --output) skip=1 ;;
            -* | @*) ;;
            *) ((n++)) ;;
        esac
    done

    if ((n == 0 && !reverse)); then
        _known_hosts_real -- "$cur"
    else
        # Record types, in the case the user started typing.
        [[ $cur == [a-z]* ]] && types=${types,,}
        COMPREPLY=($(compgen -W "$types" -- "$cur"))
    fi
}

# netprobe exporter [OPTIONS] [@SERVER[:PORT]]
_netprobe_exporter()
{
    case $prev in
        --listen)
            COMPREPLY=($(compgen -W '127.0.0.1:9116 [::1]:9116 0.0.0.0:9116' -- "$cur"))
            __ltrim_colon_completions "$cur"
            return
            ;;
        -T | --timeout | -s | --server | --max-probes | --max-timeout | -h | --help)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--listen= -4 --ipv4 -6 --ipv6 -s --server= -T --timeout=
            --no-hosts --max-probes= --max-timeout= --allow-unix -h --help' -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi
    # @SERVER[:PORT] is an address literal; nothing else is an argument.
}

_netprobe()
{
    local cur prev words cword split
    _init_completion -s -n : || return

    # The subcommands, when they are the first word.
    if ((cword > 1)); then
        case ${words[1]} in
            listen)
                _netprobe_listen
                return
                ;;
            local)
                _netprobe_local
                return
                ;;
            lookup)
                _netprobe_lookup
                return
                ;;
            exporter)
                _netprobe_exporter
                return
                ;;
        esac
    fi

    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'text ndjson json nagios prometheus' -- "$cur"))
            return
            ;;
        -F | --file | -o | --output)
            _filedir
            return
            ;;
        -w | --warning | -c | --critical)
            # Nagios ranges: nothing to offer.
            return
            ;;
        --jobs | --count | -i | --interval)
            # A number: nothing to offer.
            return
            ;;
        --retries)
            COMPREPLY=($(compgen -W '0 1 2 3 4 5 6 7 8 9 10' -- "$cur"))
            return
            ;;
        -T | --timeout | -s | --server | --send | --expect)
            # Seconds / an address literal / free text: nothing to offer.
            return
            ;;
        -h | --help | -V | --version)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-4 --ipv4 -6 --ipv6 -s --server= -t --tcp
            -u --udp --dgram -T --timeout= --send= --expect= --reset --retries=
            -F --file= --jobs= --count= -i --interval= --re-resolve
            -f --format= -j --json -w --warning= -c --critical= -o --output=
            -d --dump --no-hosts -h --help -V --version' \
            -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi

    # @SERVER[:PORT] is an address literal; nothing sensible to complete.
    [[ $cur == @* ]] && return

    if (($(_netprobe_npositional) == 0)); then
        _netprobe_target
        # The subcommands may only be the first word.
        ((cword == 1)) && COMPREPLY+=($(compgen -W 'listen local lookup exporter' -- "$cur"))
    else
        COMPREPLY=($(compgen -W '$(_netprobe_services)' -- "$cur"))
    fi
} &&
    complete -F _netprobe netprobe

# ex: filetype=sh
