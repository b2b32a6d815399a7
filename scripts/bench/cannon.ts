/**
 * The load generator of the benchmarks, run as a child process (support.ts loadInChild) so that its own work does not
 * share the event loop of the server it measures. Reads {url, paths, connections, duration} as JSON from the IPC
 * channel, GETs the paths in turn, and sends back autocannon's requests/s, latency and error counts.
 */
import autocannon from 'autocannon';

process.once('message', async (raw) => {
  const { url, paths, connections, duration } = raw as {
    url: string;
    paths: string[];
    connections: number;
    duration: number;
  };
  let k = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[k++ % paths.length]! }) }],
  });
  process.send!(
    {
      requestsPerSec: result.requests.average,
      p50Ms: result.latency.p50,
      p97_5Ms: result.latency.p97_5,
      non2xx: result.non2xx,
      errors: result.errors,
    },
    () => process.exit(0),
  );
});
