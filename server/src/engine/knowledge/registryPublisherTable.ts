// One data table: publishers vouched for on registries other than Docker Hub: vendors' own registries,
// distributions' registries, and open-source projects' own organisations on quay.io and ghcr.io.
// Each line: `pattern | kind | who | source`; the pattern is a glob over `registry/repository`
// (`*` stays within one path segment, `**` crosses segments). Kinds as in dockerHubPublisherTable.ts,
// plus `registry` for a registry run by the publisher itself. The source names the page that says the
// namespace or registry is the publisher's own. Gathered 2026-12.
export const registryPublishers = `
mcr.microsoft.com/** | registry | Microsoft | learn.microsoft.com (Microsoft Artifact Registry)
gcr.io/distroless/** | project | Google's distroless project | github.com/GoogleContainerTools/distroless
gcr.io/kaniko-project/** | project | Google's kaniko project | github.com/GoogleContainerTools/kaniko
gcr.io/cloud-builders/** | vendor | Google Cloud Build | cloud.google.com/build/docs
gcr.io/google.com/cloudsdktool/** | vendor | Google Cloud SDK | cloud.google.com/sdk/docs/downloads-docker
gcr.io/oss-fuzz-base/** | project | Google's OSS-Fuzz | google.github.io/oss-fuzz
gcr.io/oss-fuzz/** | project | Google's OSS-Fuzz | google.github.io/oss-fuzz
gcr.io/go-containerregistry/** | project | Google's go-containerregistry (crane) | github.com/google/go-containerregistry
gcr.io/projectsigstore/** | project | the Sigstore project | docs.sigstore.dev
cgr.dev/chainguard/** | registry | Chainguard | edu.chainguard.dev
registry.k8s.io/** | registry | the Kubernetes project | kubernetes.io/blog (registry.k8s.io)
k8s.gcr.io/** | registry | the Kubernetes project (former registry) | kubernetes.io/blog (registry.k8s.io)
registry.fedoraproject.org/** | registry | the Fedora Project | docs.fedoraproject.org (container images)
quay.io/fedora/** | distribution | the Fedora Project | docs.fedoraproject.org (quay.io/fedora)
quay.io/fedora-ostree-desktops/** | distribution | the Fedora Project | docs.fedoraproject.org
quay.io/centos/** | distribution | the CentOS Project | centos.org (quay.io/centos/centos:stream9)
quay.io/centos-bootc/** | distribution | the CentOS Project | centos.org
registry.access.redhat.com/** | registry | Red Hat | access.redhat.com (Red Hat Ecosystem Catalog)
registry.redhat.io/** | registry | Red Hat | access.redhat.com (Red Hat Ecosystem Catalog)
quay.io/almalinuxorg/** | distribution | the AlmaLinux OS Foundation | wiki.almalinux.org/containers
quay.io/rockylinux/** | distribution | the Rocky Enterprise Software Foundation | rockylinux.org
registry.opensuse.org/** | registry | the openSUSE project | registry.opensuse.org
registry.suse.com/** | registry | SUSE | documentation.suse.com (BCI)
us-docker.pkg.dev/cockroach-cloud-images/** | vendor | Cockroach Labs | cockroachlabs.com/docs (unreleased builds)
container-registry.oracle.com/** | registry | Oracle | container-registry.oracle.com
ghcr.io/oracle/** | vendor | Oracle | github.com/oracle/container-images
docker.elastic.co/** | registry | Elastic | elastic.co/guide (docker.elastic.co)
nvcr.io/** | registry | NVIDIA (NGC) | docs.nvidia.com/ngc
public.ecr.aws/amazonlinux/** | distribution | Amazon Web Services | docs.aws.amazon.com (Amazon Linux container image)
public.ecr.aws/lambda/** | vendor | Amazon Web Services | docs.aws.amazon.com/lambda (base images)
public.ecr.aws/aws-cli/** | vendor | Amazon Web Services | docs.aws.amazon.com/cli
public.ecr.aws/sam/** | vendor | Amazon Web Services | docs.aws.amazon.com/serverless-application-model
public.ecr.aws/aws-observability/** | vendor | Amazon Web Services | aws-otel.github.io
public.ecr.aws/bitnami/** | vendor | Bitnami (Broadcom) | gallery.ecr.aws/bitnami
public.ecr.aws/ubuntu/** | distribution | Canonical (Ubuntu) | gallery.ecr.aws/ubuntu
public.ecr.aws/localstack/** | vendor | LocalStack | gallery.ecr.aws/localstack
registry.gitlab.com/gitlab-org/** | vendor | GitLab | docs.gitlab.com
ghcr.io/actions/** | vendor | GitHub (Actions) | github.com/actions/runner
ghcr.io/github/** | vendor | GitHub | github.com/github
ghcr.io/devcontainers/** | project | the Dev Containers specification | github.com/devcontainers/images
ghcr.io/dependabot/** | vendor | GitHub (Dependabot) | github.com/dependabot/dependabot-core
ghcr.io/super-linter/** | project | the super-linter project | github.com/super-linter/super-linter
ghcr.io/renovatebot/** | vendor | Mend (Renovate) | docs.renovatebot.com
ghcr.io/astral-sh/** | vendor | Astral (uv, ruff) | docs.astral.sh/uv/guides/integration/docker
ghcr.io/rust-cross/** | project | the rust-cross project (maturin's cross-compiling images) | github.com/rust-cross/manylinux-cross
ghcr.io/pyo3/** | project | the PyO3 project (maturin) | github.com/PyO3/maturin
ghcr.io/cross-rs/** | project | the cross project (Rust) | github.com/cross-rs/cross
ghcr.io/rust-lang/** | project | the Rust project | github.com/rust-lang
ghcr.io/swiftlang/** | project | the Swift project | github.com/swiftlang/swift-docker
ghcr.io/graalvm/** | vendor | Oracle GraalVM | github.com/graalvm/container
ghcr.io/void-linux/** | distribution | Void Linux | github.com/void-linux/void-containers
ghcr.io/home-assistant/** | project | Home Assistant | github.com/home-assistant/docker
ghcr.io/sigstore/** | project | the Sigstore project | github.com/sigstore
ghcr.io/aquasecurity/** | vendor | Aqua Security (Trivy) | github.com/aquasecurity/trivy
ghcr.io/anchore/** | vendor | Anchore | github.com/anchore/syft
ghcr.io/fluxcd/** | project | the Flux project (CNCF) | fluxcd.io
ghcr.io/kyverno/** | project | the Kyverno project (CNCF) | kyverno.io
ghcr.io/open-telemetry/** | project | the OpenTelemetry project (CNCF) | opentelemetry.io
ghcr.io/containerd/** | project | the containerd project (CNCF) | containerd.io
ghcr.io/opencontainers/** | project | the Open Container Initiative | opencontainers.org
ghcr.io/oras-project/** | project | the ORAS project (CNCF) | oras.land
ghcr.io/k3d-io/** | project | the k3d project | k3d.io
ghcr.io/siderolabs/** | vendor | Sidero Labs (Talos) | talos.dev
ghcr.io/cloudnative-pg/** | project | the CloudNativePG project (CNCF) | cloudnative-pg.io
ghcr.io/goreleaser/** | project | the GoReleaser project | goreleaser.com
ghcr.io/golangci/** | project | the golangci-lint project | golangci-lint.run
ghcr.io/hadolint/** | project | the hadolint project | github.com/hadolint/hadolint
ghcr.io/nektos/** | project | the act project | github.com/nektos/act
ghcr.io/coder/** | vendor | Coder | coder.com/docs
ghcr.io/osgeo/** | project | OSGeo (GDAL) | github.com/OSGeo/gdal/tree/master/docker
ghcr.io/mamba-org/** | project | the mamba project | github.com/mamba-org/micromamba-docker
ghcr.io/prefix-dev/** | vendor | prefix.dev (pixi) | pixi.sh/latest/deployment/container
ghcr.io/bytecodealliance/** | project | the Bytecode Alliance | bytecodealliance.org
ghcr.io/zephyrproject-rtos/** | project | the Zephyr project (Linux Foundation) | github.com/zephyrproject-rtos/docker-image
ghcr.io/puppeteer/** | project | the Puppeteer project (Google) | pptr.dev/guides/docker
ghcr.io/browserless/** | vendor | Browserless | docs.browserless.io
ghcr.io/valkey-io/** | project | the Valkey project (Linux Foundation) | github.com/valkey-io
ghcr.io/dragonflydb/** | vendor | DragonflyDB | dragonflydb.io/docs
ghcr.io/ggml-org/** | project | the ggml / llama.cpp project | github.com/ggml-org/llama.cpp
ghcr.io/huggingface/** | vendor | Hugging Face | huggingface.co/docs/text-generation-inference
ghcr.io/nvidia/** | vendor | NVIDIA | github.com/NVIDIA
ghcr.io/intel/** | vendor | Intel | github.com/intel
ghcr.io/grafana/** | vendor | Grafana Labs | github.com/grafana
ghcr.io/gitlab-org/** | vendor | GitLab | docs.gitlab.com
ghcr.io/linuxcontainers/** | project | the Linux Containers project | linuxcontainers.org
quay.io/pypa/** | project | the Python Packaging Authority (manylinux) | github.com/pypa/manylinux
quay.io/prometheus/** | project | the Prometheus project (CNCF) | github.com/prometheus/golang-builder
quay.io/prometheus-operator/** | project | the Prometheus Operator project | prometheus-operator.dev
quay.io/thanos/** | project | the Thanos project (CNCF) | thanos.io
quay.io/coreos/** | project | CoreOS (Red Hat): etcd, Fedora CoreOS | etcd.io/docs
quay.io/coreos-assembler/** | project | Fedora CoreOS | github.com/coreos/coreos-assembler
quay.io/keycloak/** | project | the Keycloak project (CNCF) | keycloak.org/server/containers
quay.io/jetstack/** | project | cert-manager (CNCF) | cert-manager.io/docs
quay.io/cilium/** | project | the Cilium project (CNCF) | docs.cilium.io
quay.io/calico/** | project | Project Calico (Tigera) | docs.tigera.io
quay.io/tigera/** | vendor | Tigera | docs.tigera.io
quay.io/argoproj/** | project | the Argo project (CNCF) | argo-cd.readthedocs.io
quay.io/ceph/** | project | the Ceph project | docs.ceph.com
quay.io/podman/** | project | the Podman project | github.com/containers/image_build
quay.io/buildah/** | project | the Buildah project | github.com/containers/image_build
quay.io/skopeo/** | project | the Skopeo project | github.com/containers/image_build
quay.io/containers/** | project | the Containers organisation (Podman, Buildah, Skopeo) | github.com/containers
quay.io/toolbx/** | project | the Toolbx project | containertoolbx.org
quay.io/toolbx-images/** | project | the Toolbx project | github.com/toolbx-images/images
quay.io/minio/** | vendor | MinIO | min.io/docs
quay.io/jupyter/** | project | Project Jupyter | jupyter-docker-stacks.readthedocs.io
quay.io/biocontainers/** | project | BioContainers (Bioconda) | biocontainers.pro
quay.io/condaforge/** | project | conda-forge (build images) | github.com/conda-forge/docker-images
quay.io/operator-framework/** | project | the Operator Framework (CNCF) | operatorframework.io
quay.io/strimzi/** | project | the Strimzi project (CNCF) | strimzi.io/docs
quay.io/debezium/** | project | the Debezium project | debezium.io/documentation
quay.io/infinispan/** | project | the Infinispan project | infinispan.org
quay.io/wildfly/** | project | the WildFly project | wildfly.org
quay.io/quarkus/** | project | the Quarkus project | quarkus.io/guides
quay.io/kubevirt/** | project | the KubeVirt project (CNCF) | kubevirt.io
quay.io/oauth2-proxy/** | project | the OAuth2 Proxy project | oauth2-proxy.github.io
quay.io/mongodb/** | vendor | MongoDB, Inc. | mongodb.com/docs
quay.io/ansible/** | project | the Ansible project (Red Hat) | docs.ansible.com
quay.io/kata-containers/** | project | the Kata Containers project | katacontainers.io
quay.io/sclorg/** | project | Software Collections (Red Hat) | github.com/sclorg
quay.io/openbao/** | project | the OpenBao project (Linux Foundation) | openbao.org
quay.io/frrouting/** | project | the FRRouting project | frrouting.org
`;
