// Pushing test images into the test registry through its HTTP API, as a build tool does: blobs,
// manifests, indexes, BuildKit attestations, cosign-style signatures and referrers.
import { createHash, randomBytes } from 'node:crypto';

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export const OCI = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  empty: 'application/vnd.oci.empty.v1+json',
};

export interface PushedImage {
  /** Digest of the index (or of the manifest for a single-platform image). */
  digest: string;
  /** Per-platform manifest digests. */
  manifests: Record<string, string>;
  attestations: string[];
}

export interface ImageSpec {
  platforms: string[];
  labels?: Record<string, string>;
  created?: string;
  /** Add a BuildKit-style attestation manifest per platform. */
  attest?: boolean;
  /** Push one image manifest instead of an index (only the first platform). */
  single?: boolean;
}

/** Pushes blobs, manifests and indexes through the registry's HTTP API, as a build tool does. */
export class Pusher {
  constructor(
    private readonly url: string,
    private readonly token: (name: string) => string,
  ) {}

  async blob(name: string, data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(data);
    const auth = { Authorization: `Bearer ${this.token(name)}` };
    const start = await fetch(`${this.url}/v2/${name}/blobs/uploads/`, { method: 'POST', headers: auth });
    if (start.status !== 202) throw new Error(`upload start ${start.status}: ${await start.text()}`);
    const location = new URL(start.headers.get('location') ?? '', this.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(data),
    });
    if (put.status !== 201) throw new Error(`blob put ${put.status}: ${await put.text()}`);
    return { digest, size: data.length };
  }

  /** `reference` is a tag, or '' to push by digest. */
  async manifest(
    name: string,
    reference: string,
    mediaType: string,
    json: object,
  ): Promise<{ digest: string; size: number }> {
    const body = Buffer.from(JSON.stringify(json));
    // An empty reference pushes by digest, leaving no tag behind.
    const put = await fetch(`${this.url}/v2/${name}/manifests/${reference || sha256(body)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${this.token(name)}`, 'Content-Type': mediaType },
      body: new Uint8Array(body),
    });
    if (put.status !== 201) throw new Error(`manifest put ${put.status}: ${await put.text()}`);
    return { digest: sha256(body), size: body.length };
  }

  private async platformManifest(
    name: string,
    platform: string,
    spec: ImageSpec,
  ): Promise<{ digest: string; size: number }> {
    const [os, architecture, variant] = platform.split('/');
    const layer = await this.blob(name, randomBytes(64));
    const configJson = {
      architecture,
      os,
      ...(variant ? { variant } : {}),
      created: spec.created ?? '2026-01-02T03:04:05Z',
      config: { Labels: spec.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    };
    const config = await this.blob(name, Buffer.from(JSON.stringify(configJson)));
    return this.manifest(name, '', OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      config: { mediaType: OCI.config, digest: config.digest, size: config.size },
      layers: [{ mediaType: OCI.layer, digest: layer.digest, size: layer.size }],
    });
  }

  /** A multi-platform image: one manifest per platform under an OCI index tagged `tag`. */
  async image(name: string, tag: string, spec: ImageSpec): Promise<PushedImage> {
    const manifests: Record<string, string> = {};
    const entries: object[] = [];
    const attestations: string[] = [];
    for (const platform of spec.single ? spec.platforms.slice(0, 1) : spec.platforms) {
      const pushed = await this.platformManifest(name, platform, spec);
      manifests[platform] = pushed.digest;
      const [os, architecture, variant] = platform.split('/');
      entries.push({
        mediaType: OCI.manifest,
        digest: pushed.digest,
        size: pushed.size,
        platform: { architecture, os, ...(variant ? { variant } : {}) },
      });
    }
    if (spec.single) {
      const only = spec.platforms[0];
      const again = await this.manifestBytes(name, manifests[only]);
      await this.manifest(name, tag, OCI.manifest, again);
      return { digest: manifests[only], manifests, attestations };
    }
    if (spec.attest) {
      for (const digest of Object.values(manifests)) {
        const statement = await this.blob(
          name,
          Buffer.from(
            JSON.stringify({
              _type: 'https://in-toto.io/Statement/v0.1',
              predicateType: 'https://slsa.dev/provenance/v0.2',
              subject: [{ digest: { sha256: digest.slice(7) } }],
            }),
          ),
        );
        const config = await this.blob(
          name,
          Buffer.from(
            JSON.stringify({
              architecture: 'unknown',
              os: 'unknown',
              config: {},
              rootfs: { type: 'layers', diff_ids: [statement.digest] },
            }),
          ),
        );
        const att = await this.manifest(name, '', OCI.manifest, {
          schemaVersion: 2,
          mediaType: OCI.manifest,
          config: { mediaType: OCI.config, digest: config.digest, size: config.size },
          layers: [
            {
              mediaType: 'application/vnd.in-toto+json',
              digest: statement.digest,
              size: statement.size,
              annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
            },
          ],
        });
        attestations.push(att.digest);
        entries.push({
          mediaType: OCI.manifest,
          digest: att.digest,
          size: att.size,
          platform: { architecture: 'unknown', os: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': digest },
        });
      }
    }
    const index = await this.manifest(name, tag, OCI.index, {
      schemaVersion: 2,
      mediaType: OCI.index,
      manifests: entries,
    });
    return { digest: index.digest, manifests, attestations };
  }

  private async manifestBytes(name: string, digest: string): Promise<object> {
    const r = await fetch(`${this.url}/v2/${name}/manifests/${digest}`, {
      headers: { Authorization: `Bearer ${this.token(name)}`, Accept: OCI.manifest },
    });
    return (await r.json()) as object;
  }

  /** A cosign-style signature: a manifest tagged `sha256-<hex>.sig` next to the signed digest. */
  async cosignSignature(name: string, subject: string): Promise<string> {
    const payload = Buffer.from(
      JSON.stringify({
        critical: { image: { 'docker-manifest-digest': subject }, type: 'cosign container image signature' },
      }),
    );
    return this.cosignTag(name, subject, 'sig', [
      { payload, annotations: { 'dev.cosignproject.cosign/signature': 'MEUCIQ==' } },
    ]);
  }

  /**
   * An artifact with `subject`, listed in the referrers tag-schema index (`sha256-<hex>`), which is what a
   * client pushing to a registry without the referrers API maintains.
   */
  async referrer(name: string, subject: { digest: string; size: number }, artifactType: string): Promise<string> {
    const empty = await this.blob(name, Buffer.from('{}'));
    const data = await this.blob(name, Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3' })));
    const artifact = await this.manifest(name, '', OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      artifactType,
      config: { mediaType: OCI.empty, digest: empty.digest, size: empty.size },
      layers: [{ mediaType: artifactType, digest: data.digest, size: data.size }],
      subject: { mediaType: OCI.index, digest: subject.digest, size: subject.size },
    });
    await this.manifest(name, subject.digest.replace(':', '-'), OCI.index, {
      schemaVersion: 2,
      mediaType: OCI.index,
      manifests: [{ mediaType: OCI.manifest, digest: artifact.digest, size: artifact.size, artifactType }],
    });
    return artifact.digest;
  }

  /**
   * A Sigstore bundle attached to `subject` as an OCI 1.1 artifact, listed in the referrers tag-schema
   * index (`sha256-<hex>`) next to any referrers already there. `listAs` lists another digest instead
   * (to model a list that names the wrong manifest).
   */
  async sigstoreReferrer(name: string, subject: string, bundle: object | Buffer, listAs?: string): Promise<string> {
    const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const empty = await this.blob(name, Buffer.from('{}'));
    const data = await this.blob(name, Buffer.isBuffer(bundle) ? bundle : Buffer.from(JSON.stringify(bundle)));
    const size = await this.manifestSize(name, subject);
    const artifact = await this.manifest(name, '', OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      artifactType: bundleType,
      config: { mediaType: OCI.empty, digest: empty.digest, size: empty.size },
      layers: [{ mediaType: bundleType, digest: data.digest, size: data.size }],
      subject: { mediaType: OCI.index, digest: subject, size },
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
    });
    const tag = subject.replace(':', '-');
    const existing = await fetch(`${this.url}/v2/${name}/manifests/${tag}`, {
      headers: { Authorization: `Bearer ${this.token(name)}`, Accept: OCI.index },
    });
    const manifests = existing.status === 200 ? ((await existing.json()) as { manifests: object[] }).manifests : [];
    manifests.push({
      mediaType: OCI.manifest,
      digest: listAs ?? artifact.digest,
      size: artifact.size,
      artifactType: bundleType,
    });
    await this.manifest(name, tag, OCI.index, { schemaVersion: 2, mediaType: OCI.index, manifests });
    return artifact.digest;
  }

  /** cosign's classic layout: a manifest tagged `sha256-<hex>.sig` (or `.att`) whose layers carry the annotations. */
  async cosignTag(
    name: string,
    subject: string,
    kind: 'sig' | 'att',
    layers: Array<{ payload: Buffer; annotations: Record<string, string> }>,
  ): Promise<string> {
    const config = await this.blob(name, Buffer.from('{}'));
    const mediaType =
      kind === 'sig' ? 'application/vnd.dev.cosign.simplesigning.v1+json' : 'application/vnd.dsse.envelope.v1+json';
    const pushed = [];
    for (const layer of layers)
      pushed.push({ ...(await this.blob(name, layer.payload)), mediaType, annotations: layer.annotations });
    const manifest = await this.manifest(name, `${subject.replace(':', '-')}.${kind}`, OCI.manifest, {
      schemaVersion: 2,
      mediaType: OCI.manifest,
      config: { mediaType: OCI.config, digest: config.digest, size: config.size },
      layers: pushed.map((l) => ({
        mediaType: l.mediaType,
        digest: l.digest,
        size: l.size,
        annotations: l.annotations,
      })),
    });
    return manifest.digest;
  }

  async manifestSize(name: string, digest: string): Promise<number> {
    const r = await fetch(`${this.url}/v2/${name}/manifests/${digest}`, {
      method: 'HEAD',
      headers: { Authorization: `Bearer ${this.token(name)}`, Accept: `${OCI.index}, ${OCI.manifest}` },
    });
    return Number(r.headers.get('content-length'));
  }
}
