/**
 * The Node options the auditor's command runs with (`npm run audit`, and the benchmark's audit
 * child, which must measure what users get).
 *
 * A young generation of 32 MB semi-spaces instead of Node's 16: the replay makes a few hundred
 * bytes of short-lived garbage per event, and each scavenge also pays for the roots in a large old
 * generation, so fewer, larger scavenges cost less. Over the first 3 M events of the
 * million-resident year: main-thread scavenges 11.3 → 8.9 s, wall time 143 → 135 s, peak RSS
 * +30 MB. 64 MB was no faster and took 100 MB more.
 */
export const AUDITOR_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=32'];
