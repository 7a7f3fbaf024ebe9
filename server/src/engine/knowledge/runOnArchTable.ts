// uraimo/run-on-arch-action: the base image each `arch.distro` pair chooses when no `base_image` is
// given (the FROM line of the action's bundled Dockerfile for that pair).
export const runOnArchImages = `
aarch64.alpine_latest: FROM --platform=linux/arm64 arm64v8/alpine:latest
aarch64.archarm_latest: FROM agners/archlinuxarm-arm64v8:latest
aarch64.bookworm: FROM --platform=linux/arm64 arm64v8/debian:bookworm
aarch64.bullseye: FROM --platform=linux/arm64 arm64v8/debian:bullseye
aarch64.buster: FROM --platform=linux/arm64 arm64v8/debian:buster
aarch64.fedora_latest: FROM --platform=linux/arm64 arm64v8/fedora:latest
aarch64.stretch: FROM --platform=linux/arm64 arm64v8/debian:stretch
aarch64.ubuntu16.04: FROM --platform=linux/arm64 arm64v8/ubuntu:16.04
aarch64.ubuntu18.04: FROM --platform=linux/arm64 arm64v8/ubuntu:18.04
aarch64.ubuntu20.04: FROM --platform=linux/arm64 arm64v8/ubuntu:20.04
aarch64.ubuntu22.04: FROM --platform=linux/arm64 arm64v8/ubuntu:22.04
aarch64.ubuntu24.04: FROM --platform=linux/arm64 arm64v8/ubuntu:24.04
aarch64.ubuntu_devel: FROM --platform=linux/arm64 arm64v8/ubuntu:devel
aarch64.ubuntu_latest: FROM --platform=linux/arm64 arm64v8/ubuntu:latest
aarch64.ubuntu_rolling: FROM --platform=linux/arm64 arm64v8/ubuntu:rolling
armv6.alpine_latest: FROM balenalib/raspberry-pi-alpine:latest
armv6.bookworm: FROM balenalib/rpi-raspbian:bookworm
armv6.bullseye: FROM balenalib/rpi-raspbian:bullseye
armv6.buster: FROM balenalib/rpi-raspbian:buster
armv6.jessie: FROM balenalib/rpi-raspbian:jessie
armv6.stretch: FROM balenalib/rpi-raspbian:stretch
armv7.alpine_latest: FROM --platform=linux/arm/v7 arm32v7/alpine:latest
armv7.archarm_latest: FROM agners/archlinuxarm-arm32v7:latest
armv7.bookworm: FROM --platform=linux/arm/v7 arm32v7/debian:bookworm
armv7.bullseye: FROM --platform=linux/arm/v7 arm32v7/debian:bullseye
armv7.buster: FROM --platform=linux/arm/v7 arm32v7/debian:buster
armv7.jessie: FROM --platform=linux/arm/v7 arm32v7/debian:jessie
armv7.stretch: FROM --platform=linux/arm/v7 arm32v7/debian:stretch
armv7.ubuntu16.04: FROM --platform=linux/arm/v7 arm32v7/ubuntu:16.04
armv7.ubuntu18.04: FROM --platform=linux/arm/v7 arm32v7/ubuntu:18.04
armv7.ubuntu20.04: FROM --platform=linux/arm/v7 arm32v7/ubuntu:20.04
armv7.ubuntu22.04: FROM --platform=linux/arm/v7 arm32v7/ubuntu:22.04
armv7.ubuntu24.04: FROM --platform=linux/arm/v7 arm32v7/ubuntu:24.04
armv7.ubuntu_devel: FROM --platform=linux/arm/v7 arm32v7/ubuntu:devel
armv7.ubuntu_latest: FROM --platform=linux/arm/v7 arm32v7/ubuntu:latest
armv7.ubuntu_rolling: FROM --platform=linux/arm/v7 arm32v7/ubuntu:rolling
none.none: FROM none
ppc64le.alpine_latest: FROM --platform=linux/ppc64le ppc64le/alpine:latest
ppc64le.bookworm: FROM --platform=linux/ppc64le ppc64le/debian:bookworm
ppc64le.bullseye: FROM --platform=linux/ppc64le ppc64le/debian:bullseye
ppc64le.buster: FROM --platform=linux/ppc64le ppc64le/debian:buster
ppc64le.stretch: FROM --platform=linux/ppc64le ppc64le/debian:stretch
ppc64le.ubuntu16.04: FROM --platform=linux/ppc64le ppc64le/ubuntu:16.04
ppc64le.ubuntu18.04: FROM --platform=linux/ppc64le ppc64le/ubuntu:18.04
ppc64le.ubuntu20.04: FROM --platform=linux/ppc64le ppc64le/ubuntu:20.04
ppc64le.ubuntu22.04: FROM --platform=linux/ppc64le ppc64le/ubuntu:22.04
ppc64le.ubuntu24.04: FROM --platform=linux/ppc64le ppc64le/ubuntu:24.04
ppc64le.ubuntu_devel: FROM --platform=linux/ppc64le ppc64le/ubuntu:devel
ppc64le.ubuntu_latest: FROM --platform=linux/ppc64le ppc64le/ubuntu:latest
ppc64le.ubuntu_rolling: FROM --platform=linux/ppc64le ppc64le/ubuntu:rolling
riscv64.alpine_edge: FROM  --platform=linux/riscv64 riscv64/alpine:edge
riscv64.alpine_latest: FROM  --platform=linux/riscv64 riscv64/alpine:latest
riscv64.ubuntu20.04: FROM --platform=linux/riscv64 riscv64/ubuntu:20.04
riscv64.ubuntu22.04: FROM --platform=linux/riscv64 riscv64/ubuntu:22.04
riscv64.ubuntu24.04: FROM --platform=linux/riscv64 riscv64/ubuntu:24.04
riscv64.ubuntu_devel: FROM --platform=linux/riscv64 riscv64/ubuntu:devel
riscv64.ubuntu_latest: FROM --platform=linux/riscv64 riscv64/ubuntu:latest
riscv64.ubuntu_rolling: FROM --platform=linux/riscv64 riscv64/ubuntu:rolling
s390x.alpine_latest: FROM --platform=linux/s390x s390x/alpine:latest
s390x.bookworm: FROM --platform=linux/s390x s390x/debian:bookworm
s390x.bullseye: FROM --platform=linux/s390x s390x/debian:bullseye
s390x.buster: FROM --platform=linux/s390x s390x/debian:buster
s390x.stretch: FROM --platform=linux/s390x s390x/debian:stretch
s390x.trixie: FROM --platform=linux/s390x s390x/debian:trixie
s390x.ubuntu16.04: FROM --platform=linux/s390x s390x/ubuntu:16.04
s390x.ubuntu18.04: FROM --platform=linux/s390x s390x/ubuntu:18.04
s390x.ubuntu20.04: FROM --platform=linux/s390x s390x/ubuntu:20.04
s390x.ubuntu22.04: FROM --platform=linux/s390x s390x/ubuntu:22.04
s390x.ubuntu24.04: FROM --platform=linux/s390x s390x/ubuntu:24.04
s390x.ubuntu_devel: FROM --platform=linux/s390x s390x/ubuntu:devel
s390x.ubuntu_latest: FROM --platform=linux/s390x s390x/ubuntu:latest
s390x.ubuntu_rolling: FROM --platform=linux/s390x s390x/ubuntu:rolling
`;
