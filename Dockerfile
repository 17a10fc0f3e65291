# A small dbctl image: built from Debian 12 packages, run on debian:12-slim with only the C
# libraries dbctl links dynamically (libpq, libmariadb, OpenSSL); the C++ ones are static.
#   docker build -t dbctl .
#   docker run --rm -v "$PWD:/work" -e PGPASSWORD -e DBCTL_SECRET dbctl up
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libcli11-dev libpqxx-dev libpq-dev libmysqlcppconn-dev libmariadb-dev libyaml-cpp-dev \
      libspdlog-dev libfmt-dev nlohmann-json3-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY include include
COPY src src
COPY completions completions
RUN cmake -S . -B build -G Ninja -DDBCTL_BUILD_TESTS=OFF \
 && cmake --build build \
 && strip build/dbctl

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpq5 libmariadb3 libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /work dbctl
COPY --from=build /src/build/dbctl /usr/local/bin/dbctl
USER 10001
WORKDIR /work
ENTRYPOINT ["dbctl"]
CMD ["--help"]
