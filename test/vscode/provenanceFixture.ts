// Set up by the VS Code test runner before the editor starts: a real registry on loopback holding an
// image attested by the test Sigstore instance, and that instance's trust root as a file. The runner
// passes both to the extension through user settings, as a user would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingTools, startRegistry } from '../servers/registry';
import { RELEASE_IDENTITY, TestSigstore } from '../servers/sigstore';

export interface ProvenanceFixture {
  /** The signed image, as a workflow names it. */
  image: string;
  /** User settings that point the extension at the registry and trust root. */
  settings: Record<string, unknown>;
  /** What the hover must name: the workflow URI in the signing certificate. */
  subject: string;
  stop(): Promise<void>;
}

export async function startProvenanceFixture(dir: string): Promise<ProvenanceFixture | { skipped: string }> {
  const missing = missingTools();
  if (missing) return { skipped: missing };
  const registry = await startRegistry();
  const sigstore = new TestSigstore();
  try {
    const signed = await registry.pusher.image('acme/tools', '1.4', { platforms: ['linux/amd64'] });
    await registry.pusher.sigstoreReferrer('acme/tools', signed.digest, sigstore.attestation([signed.digest]).json);
    const rootFile = join(dir, 'trusted_root.json');
    writeFileSync(rootFile, JSON.stringify(sigstore.trustedRoot()));
    return {
      image: `${registry.host}/acme/tools:1.4`,
      settings: {
        'workflowProvenance.registryUrls': { [registry.host]: registry.url },
        'workflowProvenance.sigstoreTrustedRoots': [rootFile],
      },
      subject: RELEASE_IDENTITY.subject,
      async stop() {
        await registry.stop();
        sigstore.dispose();
      },
    };
  } catch (error) {
    await registry.stop();
    sigstore.dispose();
    throw error;
  }
}
