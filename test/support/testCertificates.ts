import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files of a throwaway CA and two certificates it signed, for TLS on loopback. */
export interface TestCertificates {
  /** The CA to trust (`EGRESS_RTMPS_CA_FILE`). */
  caFile: string;
  /** Names 127.0.0.1: what a client that checks the peer accepts. */
  loopback: { cert: string; key: string };
  /** Names another host, from the same CA: what a client that checks the name refuses. */
  otherName: { cert: string; key: string };
}

/**
 * Made with the openssl command (Debian's openssl package): Node can sign but not build an X.509
 * certificate, and a package that does only for tests is not worth the dependency.
 */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  await run('openssl', ['req', '-x509', ...newEcKey(caKey), '-days', '1', '-subj', '/CN=Roomcast test CA', '-out', caFile]);
  const sign = (name: string, altName: string) => signLeaf(dir, name, altName, { caFile, caKey });
  return { caFile, loopback: await sign('loopback', 'IP:127.0.0.1'), otherName: await sign('other', 'DNS:other.example') };
}

function newEcKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile];
}

async function signLeaf(dir: string, name: string, altName: string, ca: { caFile: string; caKey: string }) {
  const file = (suffix: string) => join(dir, `${name}.${suffix}`);
  const [key, csr, cert, ext] = [file('key'), file('csr'), file('pem'), file('ext')];
  await run('openssl', ['req', '-new', ...newEcKey(key), '-subj', `/CN=${altName.split(':')[1]}`, '-out', csr]);
  await writeFile(ext, `subjectAltName=${altName}\n`);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.caFile, '-CAkey', ca.caKey, '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', cert]);
  return { cert, key };
}
