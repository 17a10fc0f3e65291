#include "dbctl/cli/run.hpp"

int main(int argc, char** argv) { return dbctl::cli::run(argc, argv); }
