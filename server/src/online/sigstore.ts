// Everything that needs Sigstore's libraries, behind one door. They are most of the CLI's code and only
// verifying a signature needs them, so the faces load this module with `import()` when they do, and the
// CLI's build gives it a bundle of its own (dist/sigstore.js) that an ordinary check never reads.
export { judgeEvidence } from './evidence/verdict';
export { loadTrustedRootFile, publicGoodInstance, refreshedPublicGoodInstance } from './verify/trustRoot';
