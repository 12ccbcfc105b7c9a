# bash completion for netprobe                              -*- shell-script -*-
# Keep in step with the long_options table in src/cli.c, --help and man/netprobe.1.
# shellcheck disable=SC2207,SC2016  # COMPREPLY=($(compgen ...)) is the bash-completion idiom

# Service names for TCP ports, from /etc/services.
_netprobe_services()
{
    [[ -r /etc/services ]] || return
    awk '!/^[[:space:]]*#/ && $2 ~ /\/tcp$/ { print $1 }' /etc/services 2>/dev/null
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
            -s | -T | -f | --server | --timeout | --format) skip=1 ;;
            --) ;;
            -* | @*) ;;
            *) ((n++)) ;;
        esac
    done
    echo "$n"
}

_netprobe()
{
    local cur prev words cword split
    _init_completion -s -n : || return

    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W 'text json' -- "$cur"))
            return
            ;;
        -T | --timeout | -s | --server)
            # A number of seconds / an address literal: nothing to offer.
            return
            ;;
        -h | --help | -V | --version)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-4 --ipv4 -6 --ipv6 -s --server= -T --timeout=
            -f --format= -j --json -d --dump --no-hosts -h --help -V --version' \
            -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
        return
    fi

    # @SERVER[:PORT] is an address literal; nothing sensible to complete.
    [[ $cur == @* ]] && return

    if (($(_netprobe_npositional) == 0)); then
        _known_hosts_real -- "$cur"
    else
        COMPREPLY=($(compgen -W '$(_netprobe_services)' -- "$cur"))
    fi
} &&
    complete -F _netprobe netprobe

# ex: filetype=sh
