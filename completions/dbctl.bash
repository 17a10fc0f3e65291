# bash completion for dbctl. Commands and options are read from the binary's own --help, so
# they stay true to the installed version; files, folders and fixed values are completed where
# an option takes one.
_dbctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local values=""
  case $prev in
    -f | --file)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return
      ;;
    --dir | --path)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return
      ;;
    -o | --output) values="text json" ;;
    --format) values="dotenv shell json" ;;
    --role) values="owner app" ;;
    --engine) values="postgres mysql" ;;
    --url | --service | --tenant | --server | -j | --jobs | --statement-timeout | --timeout | \
      --lock-timeout | --target | --version)
      return
      ;;
  esac
  if [[ -n $values ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
    return
  fi
  # The command: the first word that is neither an option nor a global option's value.
  local command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -f | --file | --url | --dir | --service | --tenant | --server | -j | --jobs | -o | --output | \
        --statement-timeout) ((i++)) ;;
      -*) ;;
      *)
        command=${COMP_WORDS[i]}
        break
        ;;
    esac
  done
  local words
  if [[ -z $command && $cur != -* ]]; then
    words=$(command dbctl --help 2>/dev/null | awk '/^Subcommands:/ {f = 1; next} f && /^  [a-z]/ {print $1} f && /^$/ {exit}')
  else
    # Option names: the first field of the help's option lines ("  -f,--file TEXT ...").
    words=$({
      command dbctl --help
      [[ -n $command ]] && command dbctl "$command" --help
    } 2>/dev/null | awk '/^  -/ {n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i]}' | sort -u)
  fi
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -o default -F _dbctl dbctl
