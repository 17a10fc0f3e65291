#!/bin/sh
# man.sh DBCTL OUT: write the dbctl(1) man page from the binary's own --help (help2man), with a
# COMMANDS section holding each command's --help, so the page says what the code does.
set -eu
dbctl=$1
out=$2
include=$out.include
{
  printf '[COMMANDS]\n'
  for command in $("$dbctl" --help | awk '/^Subcommands:/ {f = 1; next} f && /^  [a-z]/ {print $1} f && /^$/ {exit}'); do
    printf '.SS %s\n.nf\n' "$command"
    # Each command's help less the footer every command shares (it is in DESCRIPTION already).
    "$dbctl" "$command" --help | awk '/^Exit codes:/ {exit} {print}' | sed 's/\\/\\e/g; s/^\./\\\&./'
    printf '.fi\n'
  done
  printf '[SEE ALSO]\nThe README, ARCHITECTURE.md and docs/ of the dbctl sources.\n'
} >"$include"
help2man --no-info --section 1 --name "turn a topology file into ready databases" \
  --include "$include" --output "$out" "$dbctl"
rm -f "$include"
