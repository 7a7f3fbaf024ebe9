// One data table: Docker Hub namespaces that belong to a publisher someone vouches for, as CI uses them.
// Each line: `namespace | kind | who | source`.
//   kind  verified     Docker Verified Publisher badge on the namespace's Docker Hub page
//         sponsored    Docker-Sponsored Open Source badge on the namespace's Docker Hub page
//         vendor       the company's own namespace, named as such in its documentation
//         project      an open-source project's own namespace, named in the project's repository or docs
//         distribution an operating system distribution's own namespace
//   source  `hub` means the namespace's page, https://hub.docker.com/u/<namespace>; otherwise the page
//           (project README, vendor docs) that names the namespace as the publisher's own.
// Gathered 2026-12 from those pages and from how well-known projects' workflows name their images.
// The online look-up (hub.docker.com/v2/orgs/<namespace>/, field `badge`) adds badges not listed here.
export const dockerHubPublishers = `
docker | verified | Docker, Inc. | hub
moby | project | the Moby project (Docker, Inc.) | github.com/moby/buildkit
dockersamples | vendor | Docker, Inc. | github.com/dockersamples
bitnami | verified | Bitnami (Broadcom) | hub
balenalib | verified | balena | hub.docker.com/r/balenalib/imx6ul-var-dart
fluent | sponsored | the Fluent project (CNCF) | docs.docker.com/docker-hub/dsos-program (badge example)
grafana | verified | Grafana Labs | hub
hashicorp | verified | HashiCorp | hub
datadog | verified | Datadog | hub
elastic | verified | Elastic | hub
redis | vendor | Redis Ltd. | redis.io/docs (redis/redis-stack)
redislabs | vendor | Redis Ltd. | redis.io/docs (redislabs/rejson)
mongodb | vendor | MongoDB, Inc. | mongodb.com/docs (mongodb/mongodb-community-server)
mysql | vendor | the MySQL team at Oracle | dev.mysql.com/doc (mysql/mysql-server)
confluentinc | vendor | Confluent | docs.confluent.io (confluentinc/cp-kafka)
localstack | vendor | LocalStack | docs.localstack.cloud (localstack/localstack)
minio | vendor | MinIO | min.io/docs (minio/minio)
jetbrains | vendor | JetBrains | jetbrains.com (jetbrains/qodana)
sonarsource | vendor | SonarSource | docs.sonarsource.com (sonarsource/sonar-scanner-cli)
snyk | vendor | Snyk | docs.snyk.io (snyk/snyk)
aquasec | vendor | Aqua Security | github.com/aquasecurity/trivy (aquasec/trivy)
anchore | vendor | Anchore | github.com/anchore/syft (anchore/syft, anchore/grype)
newrelic | vendor | New Relic | docs.newrelic.com (newrelic/infrastructure)
dynatrace | vendor | Dynatrace | docs.dynatrace.com (dynatrace/oneagent)
splunk | vendor | Splunk | docs.splunk.com (splunk/splunk)
honeycombio | vendor | Honeycomb | docs.honeycomb.io
couchbase | vendor | Couchbase | docs.couchbase.com (couchbase/server)
cockroachdb | vendor | Cockroach Labs | cockroachlabs.com/docs (cockroachdb/cockroach)
clickhouse | vendor | ClickHouse, Inc. | clickhouse.com/docs (clickhouse/clickhouse-server)
altinity | vendor | Altinity (ClickHouse builds) | docs.altinity.com (altinity/clickhouse-server)
altinityinfra | vendor | Altinity (CI images) | github.com/Altinity/clickhouse-regression
yandex | vendor | Yandex (former ClickHouse publisher) | clickhouse.com/docs (yandex/clickhouse-server)
timescale | vendor | Timescale | docs.timescale.com (timescale/timescaledb)
questdb | vendor | QuestDB | questdb.io/docs (questdb/questdb)
yugabytedb | vendor | Yugabyte | docs.yugabyte.com (yugabytedb/yugabyte)
scylladb | vendor | ScyllaDB | docs.scylladb.com (scylladb/scylla)
datastax | vendor | DataStax | docs.datastax.com
neo4j | vendor | Neo4j, Inc. | neo4j.com/docs (neo4j/neo4j-admin)
percona | vendor | Percona | docs.percona.com (percona/percona-server)
pingcap | vendor | PingCAP (TiDB) | docs.pingcap.com (pingcap/tidb)
vitess | project | the Vitess project (CNCF) | vitess.io/docs (vitess/lite)
mariadb | vendor | MariaDB plc | mariadb.com/docs (mariadb/maxscale)
citusdata | vendor | Citus Data (Microsoft) | github.com/citusdata/docker
supabase | vendor | Supabase | github.com/supabase/postgres
postgis | project | the PostGIS project | github.com/postgis/docker-postgis
pgvector | project | the pgvector project | github.com/pgvector/pgvector
opensearchproject | project | the OpenSearch project | opensearch.org/docs (opensearchproject/opensearch)
getmeili | vendor | Meilisearch | meilisearch.com/docs (getmeili/meilisearch)
typesense | vendor | Typesense | typesense.org/docs (typesense/typesense)
qdrant | vendor | Qdrant | qdrant.tech/documentation (qdrant/qdrant)
semitechnologies | vendor | Weaviate | weaviate.io/developers (semitechnologies/weaviate)
chromadb | vendor | Chroma | docs.trychroma.com (chromadb/chroma)
milvusdb | project | the Milvus project (LF AI) | milvus.io/docs (milvusdb/milvus)
valkey | project | the Valkey project (Linux Foundation) | github.com/valkey-io/valkey-container
redpandadata | vendor | Redpanda Data | docs.redpanda.com (redpandadata/redpanda)
vectorized | vendor | Redpanda Data (former name) | docs.redpanda.com (vectorized/redpanda)
emqx | vendor | EMQ Technologies | docs.emqx.com (emqx/emqx)
hivemq | vendor | HiveMQ | hivemq.com/docs (hivemq/hivemq-ce)
hazelcast | vendor | Hazelcast | docs.hazelcast.com (hazelcast/hazelcast)
trinodb | project | the Trino project | trino.io/docs (trinodb/trino)
prestodb | project | the Presto project (Linux Foundation) | prestodb.io/docs (prestodb/presto)
apache | project | the Apache Software Foundation | github.com/apache/kafka/tree/trunk/docker (apache/kafka)
temporalio | vendor | Temporal Technologies | docs.temporal.io (temporalio/auto-setup)
daprio | project | the Dapr project (CNCF) | docs.dapr.io (daprio/dapr)
kong | vendor | Kong Inc. | docs.konghq.com (kong/kong-gateway)
tykio | vendor | Tyk Technologies | tyk.io/docs (tykio/tyk-gateway)
envoyproxy | project | the Envoy project (CNCF) | envoyproxy.io/docs (envoyproxy/envoy)
istio | project | the Istio project (CNCF) | istio.io/docs (istio/proxyv2)
calico | project | Project Calico (Tigera) | docs.tigera.io (calico/node)
cilium | project | the Cilium project (CNCF) | docs.cilium.io (cilium/cilium)
coredns | project | the CoreDNS project (CNCF) | coredns.io (coredns/coredns)
kindest | project | kind, a Kubernetes SIG Testing project | kind.sigs.k8s.io (kindest/node)
rancher | vendor | SUSE Rancher | ranchermanager.docs.rancher.com (rancher/k3s)
traefik | vendor | Traefik Labs | doc.traefik.io (traefik/whoami)
portainer | vendor | Portainer.io | docs.portainer.io (portainer/portainer-ce)
nginx | vendor | NGINX (F5) | docs.nginx.com (nginx/nginx-ingress, nginx/unit)
nginxinc | vendor | NGINX (F5) | github.com/nginxinc/docker-nginx-unprivileged
haproxytech | vendor | HAProxy Technologies | haproxy.com/documentation (haproxytech/haproxy-alpine)
openresty | project | the OpenResty project | github.com/openresty/docker-openresty
openliberty | project | Open Liberty (IBM) | openliberty.io/docs (openliberty/open-liberty)
ibmcom | vendor | IBM | ibm.com/docs (ibmcom/db2)
icr | vendor | IBM | ibm.com/docs
gitlab | vendor | GitLab | docs.gitlab.com (gitlab/gitlab-runner)
atlassian | vendor | Atlassian | atlassian.com (atlassian/default-image)
sonatype | vendor | Sonatype | help.sonatype.com (sonatype/nexus3)
circleci | vendor | CircleCI | circleci.com/docs (circleci/runner)
cimg | vendor | CircleCI (convenience images) | circleci.com/developer/images
cypress | vendor | Cypress.io | docs.cypress.io (cypress/included, cypress/browsers)
selenium | project | the Selenium project | github.com/SeleniumHQ/docker-selenium
browserless | vendor | Browserless | docs.browserless.io (browserless/chrome)
appium | project | the Appium project | github.com/appium/appium-docker-android
testcontainers | project | Testcontainers (Docker, Inc.) | testcontainers.com (testcontainers/ryuk)
mockserver | project | the MockServer project | mock-server.com (mockserver/mockserver)
wiremock | project | the WireMock project | wiremock.org/docs (wiremock/wiremock)
swaggerapi | vendor | SmartBear (Swagger) | swagger.io/docs (swaggerapi/swagger-ui)
openapitools | project | the OpenAPI Generator project | openapi-generator.tech (openapitools/openapi-generator-cli)
postman | vendor | Postman | learning.postman.com (postman/newman)
jenkins | project | the Jenkins project | jenkins.io/doc (jenkins/jenkins)
drone | vendor | Harness (Drone) | docs.drone.io (drone/drone)
woodpeckerci | project | the Woodpecker CI project | woodpecker-ci.org/docs
gitea | project | the Gitea project | docs.gitea.com (gitea/gitea)
hadolint | project | the hadolint project | github.com/hadolint/hadolint
goreleaser | project | the GoReleaser project | goreleaser.com (goreleaser/goreleaser)
golangci | project | the golangci-lint project | golangci-lint.run (golangci/golangci-lint)
renovate | vendor | Mend (Renovate) | docs.renovatebot.com (renovate/renovate)
returntocorp | vendor | Semgrep, Inc. (former name) | semgrep.dev/docs (returntocorp/semgrep)
semgrep | vendor | Semgrep, Inc. | semgrep.dev/docs (semgrep/semgrep)
pandoc | project | the pandoc project | github.com/pandoc/dockerfiles
plantuml | project | the PlantUML project | plantuml.com (plantuml/plantuml-server)
asciidoctor | project | the Asciidoctor project | github.com/asciidoctor/docker-asciidoctor
sphinxdoc | project | the Sphinx project | github.com/sphinx-doc/sphinx-docker-images
jekyll | project | the Jekyll project | github.com/envygeeks/jekyll-docker
bats | project | the bats-core project | github.com/bats-core/bats-core (bats/bats)
bufbuild | vendor | Buf Technologies | buf.build/docs (bufbuild/buf)
curlimages | project | the curl project | github.com/curl/curl-container
prom | project | the Prometheus project (CNCF) | prometheus.io/docs (prom/prometheus)
prominfra | project | the Prometheus project's infrastructure (prombench) | github.com/prometheus/test-infra
jaegertracing | project | the Jaeger project (CNCF) | jaegertracing.io/docs (jaegertracing/all-in-one)
otel | project | the OpenTelemetry project (CNCF) | opentelemetry.io/docs (otel/opentelemetry-collector)
openzipkin | project | the Zipkin project | github.com/openzipkin/zipkin
victoriametrics | vendor | VictoriaMetrics | docs.victoriametrics.com
timberio | vendor | Datadog (Vector) | vector.dev/docs (timberio/vector)
signoz | vendor | SigNoz | signoz.io/docs
openobserve | vendor | OpenObserve | openobserve.ai/docs
getsentry | vendor | Sentry | develop.sentry.dev (getsentry/sentry)
matrixdotorg | project | the Matrix.org Foundation | github.com/element-hq/synapse (matrixdotorg/synapse)
owncloud | vendor | ownCloud | doc.owncloud.com (owncloud/server)
wordpressdevelop | project | the WordPress project (core test images) | github.com/WordPress/wpdev-docker-images
dokku | project | the Dokku project | dokku.com/docs (dokku/dokku)
bitwarden | vendor | Bitwarden | bitwarden.com/help (bitwarden/self-host)
nvidia | vendor | NVIDIA | docs.nvidia.com (nvidia/cuda)
rocm | vendor | AMD (ROCm) | rocm.docs.amd.com (rocm/pytorch, rocm/dev-ubuntu-22.04)
intel | vendor | Intel | intel.com (intel/oneapi-basekit)
openvino | vendor | Intel (OpenVINO) | docs.openvino.ai (openvino/ubuntu22_runtime)
pytorch | project | the PyTorch project (Linux Foundation) | pytorch.org (pytorch/pytorch)
tensorflow | project | the TensorFlow project (Google) | tensorflow.org/install/docker
huggingface | vendor | Hugging Face | huggingface.co/docs
vllm | project | the vLLM project | docs.vllm.ai (vllm/vllm-openai)
ollama | vendor | Ollama | github.com/ollama/ollama
continuumio | vendor | Anaconda | docs.anaconda.com (continuumio/miniconda3)
condaforge | project | conda-forge | github.com/conda-forge/miniforge-images
mambaorg | project | the mamba project | github.com/mamba-org/micromamba-docker
jupyter | project | Project Jupyter | github.com/jupyter/docker-stacks
rocker | project | the Rocker project | rocker-project.org (rocker/r-ver)
hexpm | project | Hex, the Erlang/Elixir package manager | github.com/hexpm/bob (hexpm/elixir)
denoland | project | the Deno project | github.com/denoland/deno_docker
oven | vendor | Oven (Bun) | bun.sh/docs (oven/bun)
rustlang | project | the Rust project | github.com/rust-lang/docker-rust (rustlang/rust)
emscripten | project | the Emscripten project | github.com/emscripten-core/emsdk (emscripten/emsdk)
dockcross | project | the dockcross project | github.com/dockcross/dockcross
pyston | project | the Pyston project | github.com/pyston/pyston (pyston/pyston)
espressif | vendor | Espressif Systems | docs.espressif.com (espressif/idf)
zephyrprojectrtos | project | the Zephyr project (Linux Foundation) | github.com/zephyrproject-rtos/docker-image
azul | vendor | Azul Systems | docs.azul.com (azul/zulu-openjdk)
bellsoft | vendor | BellSoft | bell-sw.com (bellsoft/liberica-openjdk-debian)
amazon | vendor | Amazon Web Services | docs.aws.amazon.com (amazon/aws-cli)
google | vendor | Google | cloud.google.com/sdk/docs (google/cloud-sdk)
chainguard | vendor | Chainguard | edu.chainguard.dev (chainguard/ on Docker Hub)
ubuntu | distribution | Canonical (Ubuntu) | hub (ubuntu/nginx, ubuntu/squid)
redhat | distribution | Red Hat | hub (redhat/ubi9)
almalinux | distribution | the AlmaLinux OS Foundation | almalinux.org (almalinux/almalinux, almalinux/9-base)
rockylinux | distribution | the Rocky Enterprise Software Foundation | rockylinux.org (rockylinux/rockylinux)
opensuse | distribution | the openSUSE project | hub (opensuse/leap, opensuse/tumbleweed)
archlinux | distribution | Arch Linux | gitlab.archlinux.org/archlinux/archlinux-docker
gentoo | distribution | Gentoo | github.com/gentoo/gentoo-docker-images (gentoo/stage3)
nixos | distribution | the NixOS project | nixos.org (nixos/nix)
kalilinux | distribution | Kali Linux (OffSec) | kali.org/docs/containers
openeuler | distribution | the openEuler project | openeuler.org (openeuler/openeuler)
openanolis | distribution | the OpenAnolis community | openanolis.cn (openanolis/anolisos)
openwrt | distribution | the OpenWrt project | github.com/openwrt/docker (openwrt/rootfs, openwrt/sdk)
`;
