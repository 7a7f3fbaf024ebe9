// A Sigstore instance of our own, made in the test: a root CA and an intermediate (openssl, with
// Fulcio's certificate extensions), a transparency-log key, and bundles signed with Node's crypto:
// DSSE in-toto statements and cosign simple-signing payloads, each logged with a signed entry
// timestamp and a one-leaf inclusion proof with a signed checkpoint. Nothing is mocked on the
// verifying side: the product's code runs the real @sigstore/verify against this root.
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json as canonicalJson } from '@sigstore/core';

export const TEST_ISSUER = 'https://token.actions.githubusercontent.com';
const LOG_URL = 'http://127.0.0.1:9/test-rekor';
const LOG_NAME = 'test-rekor';

export interface Identity {
  /** The SAN URI: the workflow with its ref. */
  subject: string;
  issuer?: string;
  repository?: string;
  commit?: string;
  ref?: string;
  trigger?: string;
  runner?: string;
}

export const RELEASE_IDENTITY: Identity = {
  subject: 'https://github.com/acme/tools/.github/workflows/release.yml@refs/tags/v1.4.0',
  repository: 'https://github.com/acme/tools',
  commit: 'abc1234def5678abc1234def5678abc1234def56',
  ref: 'refs/tags/v1.4.0',
  trigger: 'push',
  runner: 'github-hosted',
};

interface Ca {
  certPem: string;
  keyPem: string;
  intermediatePem: string;
  intermediateKeyPem: string;
}

export interface Leaf {
  certPem: string;
  key: KeyObject;
}

export interface SignOptions {
  /** When the log says it saw the signature (seconds); default now. */
  integratedTime?: number;
  /** Sign with a certificate from this CA instead. */
  leaf?: Leaf;
}

export class TestSigstore {
  private readonly dir = mkdtempSync(join(tmpdir(), 'wp-sigstore-'));
  private readonly ca: Ca;
  private readonly logKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private readonly logId: Buffer;

  constructor() {
    this.ca = this.makeCa('Test Fulcio');
    this.logId = createHash('sha256')
      .update(this.logKey.publicKey.export({ format: 'der', type: 'spki' }))
      .digest();
  }

  /** The instance's `trusted_root.json`, as Sigstore publishes its own. */
  trustedRoot(): object {
    const der = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    return {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: LOG_URL,
          hashAlgorithm: 'SHA2_256',
          publicKey: {
            rawBytes: this.logKey.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            validFor: { start: '2020-01-01T00:00:00Z' },
          },
          logId: { keyId: this.logId.toString('base64') },
        },
      ],
      certificateAuthorities: [
        {
          subject: { organization: 'test', commonName: 'Test Fulcio' },
          uri: 'http://127.0.0.1:9/test-fulcio',
          certChain: { certificates: [{ rawBytes: der(this.ca.intermediatePem) }, { rawBytes: der(this.ca.certPem) }] },
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
      ],
      ctlogs: [],
      timestampAuthorities: [],
    };
  }

  /** A leaf certificate for `identity`, valid for a day from now, from this CA or from another one named `otherCa`. */
  leaf(identity: Identity = RELEASE_IDENTITY, otherCa: string | false = false): Leaf {
    const ca = otherCa ? this.makeCa(otherCa) : this.ca;
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = this.write('leaf.key', keys.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const utf8 = (text: string) => `ASN1:UTF8String:${text}`;
    const raw = (text: string) =>
      `DER:${Buffer.from(text)
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1:')}`;
    const ext = [
      '[ext]',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = codeSigning',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      `subjectAltName = critical, URI:${identity.subject}`,
      `1.3.6.1.4.1.57264.1.1 = ${raw(identity.issuer ?? TEST_ISSUER)}`,
      `1.3.6.1.4.1.57264.1.8 = ${utf8(identity.issuer ?? TEST_ISSUER)}`,
      `1.3.6.1.4.1.57264.1.9 = ${utf8(identity.subject)}`,
      ...(identity.runner ? [`1.3.6.1.4.1.57264.1.11 = ${utf8(identity.runner)}`] : []),
      ...(identity.repository ? [`1.3.6.1.4.1.57264.1.12 = ${utf8(identity.repository)}`] : []),
      ...(identity.commit ? [`1.3.6.1.4.1.57264.1.13 = ${utf8(identity.commit)}`] : []),
      ...(identity.ref ? [`1.3.6.1.4.1.57264.1.14 = ${utf8(identity.ref)}`] : []),
      ...(identity.trigger ? [`1.3.6.1.4.1.57264.1.20 = ${utf8(identity.trigger)}`] : []),
      '',
    ].join('\n');
    const config = this.write('leaf.cnf', `[req]\ndistinguished_name = dn\n[dn]\n${ext}`);
    const caCert = this.write('ca-int.pem', ca.intermediatePem);
    const caKey = this.write('ca-int.key', ca.intermediateKeyPem);
    const out = join(this.dir, 'leaf.pem');
    this.openssl([
      'req',
      '-new',
      '-x509',
      '-key',
      keyFile,
      '-CA',
      caCert,
      '-CAkey',
      caKey,
      '-subj',
      '/O=sigstore.test',
      '-days',
      '1',
      '-config',
      config,
      '-extensions',
      'ext',
      '-out',
      out,
    ]);
    return { certPem: readFileSync(out, 'utf8'), key: keys.privateKey };
  }

  /** A v0.3 bundle holding a DSSE-signed in-toto statement about `subjectDigests`. */
  attestation(
    subjectDigests: string[],
    options: SignOptions = {},
    predicateType = 'https://slsa.dev/provenance/v1',
  ): SignedBundle {
    const leaf = options.leaf ?? this.leaf();
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjectDigests.map((d, i) => ({ name: `image-${i}`, digest: { sha256: d.replace(/^sha256:/, '') } })),
      predicateType,
      predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' } },
    };
    const payloadType = 'application/vnd.in-toto+json';
    const payload = Buffer.from(JSON.stringify(statement));
    const signature = sign('sha256', pae(payloadType, payload), leaf.key);
    const envelope = {
      payload: payload.toString('base64'),
      payloadType,
      signatures: [{ sig: signature.toString('base64'), keyid: '' }],
    };
    const body = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: {
          algorithm: 'sha256',
          value: createHash('sha256').update(JSON.stringify(envelope)).digest('hex'),
        },
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
        signatures: [
          { signature: signature.toString('base64'), verifier: Buffer.from(leaf.certPem).toString('base64') },
        ],
      },
    };
    const entry = this.logEntry(body, options.integratedTime);
    return {
      json: {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {
          certificate: { rawBytes: derOf(leaf.certPem) },
          tlogEntries: [entry],
          timestampVerificationData: { rfc3161Timestamps: [] },
        },
        dsseEnvelope: envelope,
      },
      envelope,
      leaf,
      entry,
    };
  }

  /** cosign's simple-signing payload for `digest`, signed and logged as a hashedrekord entry, as `.sig` layer parts. */
  cosignSignature(digest: string, options: SignOptions = {}): { payload: Buffer; annotations: Record<string, string> } {
    const leaf = options.leaf ?? this.leaf();
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': 'test' },
          image: { 'docker-manifest-digest': digest },
          type: 'cosign container image signature',
        },
        optional: null,
      }),
    );
    const signature = sign('sha256', payload, leaf.key).toString('base64');
    const body = {
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
        signature: { content: signature, publicKey: { content: Buffer.from(leaf.certPem).toString('base64') } },
      },
    };
    const entry = this.logEntry(body, options.integratedTime);
    const rekor = {
      SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
      Payload: {
        body: entry.canonicalizedBody,
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: this.logId.toString('hex'),
      },
    };
    return {
      payload,
      annotations: {
        'dev.cosignproject.cosign/signature': signature,
        'dev.sigstore.cosign/certificate': leaf.certPem,
        'dev.sigstore.cosign/chain': this.ca.intermediatePem + this.ca.certPem,
        'dev.sigstore.cosign/bundle': JSON.stringify(rekor),
      },
    };
  }

  /** A signed in-toto statement as cosign's `.att` layer: the DSSE envelope, with the certificate and log entry in annotations. */
  cosignAttestation(
    digest: string,
    options: SignOptions = {},
  ): { payload: Buffer; annotations: Record<string, string> } {
    const signed = this.attestation([digest], options);
    const rekor = {
      SignedEntryTimestamp: signed.entry.inclusionPromise.signedEntryTimestamp,
      Payload: {
        body: signed.entry.canonicalizedBody,
        integratedTime: Number(signed.entry.integratedTime),
        logIndex: 0,
        logID: this.logId.toString('hex'),
      },
    };
    return {
      payload: Buffer.from(JSON.stringify(signed.envelope)),
      annotations: {
        'dev.sigstore.cosign/certificate': signed.leaf.certPem,
        'dev.sigstore.cosign/chain': this.ca.intermediatePem + this.ca.certPem,
        'dev.sigstore.cosign/bundle': JSON.stringify(rekor),
      },
    };
  }

  /** A log entry for `body` with a signed entry timestamp and a one-leaf inclusion proof under a signed checkpoint. */
  logEntry(body: object, integratedTime = Math.floor(Date.now() / 1000)): LogEntry {
    const canonical = Buffer.from(canonicalJson.canonicalize(body));
    const promise = {
      body: canonical.toString('base64'),
      integratedTime,
      logIndex: 0,
      logID: this.logId.toString('hex'),
    };
    const set = sign('sha256', Buffer.from(canonicalJson.canonicalize(promise)), this.logKey.privateKey);
    const root = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), canonical]))
      .digest();
    const note = `${LOG_NAME} - 1\n1\n${root.toString('base64')}\n`;
    const noteSignature = Buffer.concat([
      this.logId.subarray(0, 4),
      sign('sha256', Buffer.from(note), this.logKey.privateKey),
    ]);
    return {
      logIndex: '0',
      logId: { keyId: this.logId.toString('base64') },
      kindVersion: { kind: (body as { kind: string }).kind, version: '0.0.1' },
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
      inclusionProof: {
        logIndex: '0',
        rootHash: root.toString('base64'),
        treeSize: '1',
        hashes: [],
        checkpoint: { envelope: `${note}\n\u2014 ${LOG_NAME} ${noteSignature.toString('base64')}\n` },
      },
      canonicalizedBody: canonical.toString('base64'),
    };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private makeCa(name: string): Ca {
    const rootKey = this.write('root.key', genKey());
    const rootCert = join(this.dir, 'root.pem');
    const caExt = this.write(
      'ca.cnf',
      '[req]\ndistinguished_name = dn\n[dn]\n[ca]\nbasicConstraints = critical, CA:true\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n',
    );
    this.openssl([
      'req',
      '-new',
      '-x509',
      '-key',
      rootKey,
      '-subj',
      `/O=sigstore.test/CN=${name} Root`,
      '-days',
      '30',
      '-config',
      caExt,
      '-extensions',
      'ca',
      '-out',
      rootCert,
    ]);
    const intKey = this.write('int.key', genKey());
    const intCert = join(this.dir, 'int.pem');
    this.openssl([
      'req',
      '-new',
      '-x509',
      '-key',
      intKey,
      '-CA',
      rootCert,
      '-CAkey',
      rootKey,
      '-subj',
      `/O=sigstore.test/CN=${name} Intermediate`,
      '-days',
      '30',
      '-config',
      caExt,
      '-extensions',
      'ca',
      '-out',
      intCert,
    ]);
    return {
      certPem: readFileSync(rootCert, 'utf8'),
      keyPem: readFileSync(rootKey, 'utf8'),
      intermediatePem: readFileSync(intCert, 'utf8'),
      intermediateKeyPem: readFileSync(intKey, 'utf8'),
    };
  }

  private write(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

export interface LogEntry {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise: { signedEntryTimestamp: string };
  inclusionProof: object;
  canonicalizedBody: string;
}

export interface SignedBundle {
  json: {
    mediaType: string;
    verificationMaterial: {
      certificate: { rawBytes: string };
      tlogEntries: LogEntry[];
      timestampVerificationData: object;
    };
    dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string; keyid: string }> };
  };
  envelope: { payload: string; payloadType: string; signatures: Array<{ sig: string; keyid: string }> };
  leaf: Leaf;
  entry: LogEntry;
}

function genKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;
}

function derOf(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

/** DSSE's pre-authentication encoding, what the signature covers. */
function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
}
