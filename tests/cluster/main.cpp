// The cluster suite (ctest -L cluster): faults on a three-node Patroni cluster and a three-node
// Galera cluster that scripts/test starts (scripts/lib/clusters.sh, DBCTL_CLUSTER_*).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
