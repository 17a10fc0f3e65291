#!/bin/sh
# Draw README's picture of the shipped topology: topology-svg.sh DBCTL SOURCE_DIR.
set -eu
cd "$2"
env -u PGHOST -u PGPORT DBCTL_SECRET=readme "$1" -f topology.yaml graph --format svg >docs/topology.svg.tmp
mv docs/topology.svg.tmp docs/topology.svg
