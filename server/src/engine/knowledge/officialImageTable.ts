// Docker Official Images and the platforms each publishes (union over its tags), in bashbrew
// architecture names. Source: the Docker Official Images library definitions, state of 2026-08-21.
export const officialImagePlatforms = `
adminer: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
aerospike: amd64 arm64v8
almalinux: amd64 arm64v8 i386 ppc64le riscv64 s390x
alpine: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
alt: amd64 arm64v8 i386 riscv64
amazoncorretto: amd64 arm64v8
amazonlinux: amd64 arm64v8
api-firewall: amd64 arm64v8 i386
arangodb: amd64 arm64v8
archlinux: amd64
azul-zulu: amd64 arm64v8
backdrop: amd64 arm64v8
bash: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
bonita: amd64
buildpack-deps: amd64 arm32v5 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
busybox: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
caddy: amd64 arm32v6 arm32v7 arm64v8 ppc64le riscv64 s390x windows-amd64
cassandra: amd64 arm32v7 arm64v8 ppc64le s390x
chronograf: amd64 arm32v7 arm64v8
cirros: amd64 arm32v7 arm64v8 ppc64le
clearlinux: amd64
clefos: amd64
clickhouse: amd64 arm64v8
clojure: amd64 arm64v8 ppc64le s390x
composer: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
convertigo: amd64 arm64v8
couchbase: amd64 arm64v8
couchdb: amd64 arm64v8 s390x
crate: amd64 arm64v8
dart: amd64 arm32v7 arm64v8 riscv64
debian: amd64 arm32v5 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
docker: amd64 arm32v6 arm32v7 arm64v8 windows-amd64
drupal: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
eclipse-mosquitto: amd64 arm32v6 arm64v8 i386 ppc64le s390x
eclipse-temurin: amd64 arm32v7 arm64v8 ppc64le riscv64 s390x windows-amd64
eggdrop: amd64 arm32v6 arm64v8
elasticsearch: amd64 arm64v8
elixir: amd64 arm32v7 arm64v8 i386
emqx: amd64 arm64v8
erlang: amd64 arm32v5 arm32v7 arm64v8 i386 ppc64le s390x
espocrm: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386
fedora: amd64 arm64v8 ppc64le s390x
flink: amd64 arm64v8
fluentd: amd64 arm32v5 arm32v7 arm64v8 i386 ppc64le s390x
friendica: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
gazebo: amd64
gcc: amd64 arm32v5 arm32v7 arm64v8 ppc64le s390x
geonetwork: amd64 arm32v7 arm64v8 ppc64le s390x
ghost: amd64 arm32v7 arm64v8
golang: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x windows-amd64
gradle: amd64 arm32v7 arm64v8 ppc64le riscv64 s390x
groovy: amd64 arm32v7 arm64v8 ppc64le riscv64 s390x
haproxy: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
haskell: amd64 arm64v8
haxe: amd64 arm32v7 arm64v8 windows-amd64
hello-world: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x windows-amd64
hitch: amd64 arm32v7 arm64v8 i386
httpd: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
hylang: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x windows-amd64
ibm-semeru-runtimes: amd64 arm64v8 ppc64le s390x
ibmjava: amd64 ppc64le s390x
influxdb: amd64 arm64v8
irssi: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
jetty: amd64 arm64v8
joomla: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
jruby: amd64 arm64v8
julia: amd64 arm64v8 i386 ppc64le windows-amd64
kapacitor: amd64 arm64v8
kibana: amd64 arm64v8
kong: amd64 arm64v8
krakend: amd64 arm64v8
lightstreamer: amd64 arm64v8
liquibase: amd64 arm64v8
logstash: amd64 arm64v8
mageia: amd64 arm32v7 arm64v8
mariadb: amd64 arm64v8 ppc64le s390x
matomo: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
maven: amd64 arm32v7 arm64v8 ppc64le riscv64 s390x
mediawiki: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le
memcached: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
mongo: amd64 arm64v8 windows-amd64
mongo-express: amd64
monica: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
mysql: amd64 arm64v8
nats: amd64 arm32v6 arm32v7 arm64v8 ppc64le s390x windows-amd64
neo4j: amd64 arm64v8
neurodebian: amd64 arm64v8 i386
nextcloud: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
nginx: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
nim: amd64 arm32v7 arm64v8 i386
node: amd64 arm32v6 arm32v7 arm64v8 ppc64le s390x
notary: amd64 arm32v6 arm64v8 i386 ppc64le s390x
odoo: amd64 arm64v8 ppc64le
open-liberty: amd64 arm64v8 i386 ppc64le s390x
openjdk: amd64 arm64v8 windows-amd64
oraclelinux: amd64 arm64v8
orientdb: amd64 arm32v7 arm64v8
percona: amd64
perl: amd64 arm32v5 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
photon: amd64 arm64v8
php: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
php-zendserver: amd64
phpmyadmin: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
plone: amd64
postfixadmin: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
postgres: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
pypy: amd64 arm64v8 i386 windows-amd64
python: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x windows-amd64
r-base: amd64 arm64v8 ppc64le s390x
rabbitmq: amd64 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
rakudo-star: amd64 arm64v8
redis: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
redmine: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
registry: amd64 arm32v6 arm32v7 arm64v8 ppc64le riscv64 s390x
rethinkdb: amd64 arm64v8 s390x
rocket.chat: amd64
rockylinux: amd64 arm64v8 ppc64le s390x
ros: amd64 arm64v8
ruby: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
rust: amd64 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
sapmachine: amd64 arm64v8 ppc64le
satosa: amd64 arm64v8
silverpeas: amd64
solr: amd64 arm64v8 ppc64le riscv64 s390x
sonarqube: amd64 arm64v8
spark: amd64 arm64v8
spiped: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
storm: amd64 arm64v8
swift: amd64 arm64v8 windows-amd64
swipl: amd64 arm32v7 arm64v8
teamspeak: amd64
telegraf: amd64 arm32v7 arm64v8
tomcat: amd64 arm32v7 arm64v8 ppc64le riscv64 s390x
tomee: amd64 arm64v8
traefik: amd64 arm32v6 arm64v8 ppc64le riscv64 s390x windows-amd64
ubuntu: amd64 arm32v7 arm64v8 ppc64le riscv64 s390x
unit: amd64
varnish: amd64 arm64v8
websphere-liberty: amd64 arm64v8 ppc64le s390x
wordpress: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
xwiki: amd64 arm64v8
yourls: amd64 arm32v5 arm32v6 arm32v7 arm64v8 i386 ppc64le riscv64 s390x
znc: amd64 arm32v6 arm64v8
zookeeper: amd64 arm64v8 ppc64le s390x
`;
