// The fault suite restarts and kills what it works on, so it gets servers of its own
// (DBCTL_FAULT_*, started by scripts/test); the shared helpers reach them through the usual
// DBCTL_TEST_* variables.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  const char* pairs[][2] = {{"DBCTL_FAULT_PG_URL", "DBCTL_TEST_PG_URL"},
                            {"DBCTL_FAULT_MYSQL_URL", "DBCTL_TEST_MYSQL_URL"}};
  for (const auto& pair : pairs) {
    if (const char* value = std::getenv(pair[0])) {
      setenv(pair[1], value, 1);
    }
  }
  return doctest::Context(argc, argv).run();
}
