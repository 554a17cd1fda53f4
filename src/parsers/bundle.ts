// A log bundle: a folder tree or a .zip as an admin collects it (client `Windows\CCM\Logs`, MP `SMS_CCM\Logs`
// and `SMS\Logs`, site server `Microsoft Configuration Manager\Logs`, IIS `inetpub\logs\LogFiles\W3SVC1`, or
// any folders). Lists the log files, orders rotated history before the current file, and says which host
// each file came from, from its path first; `cmflow.json` at the root (or the caller) may override that.

import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { FramerKind } from './detect.ts';
import { detectByName } from './detect.ts';

export type HostRole = 'client' | 'management-point' | 'site-server' | 'wsus' | 'unknown';

/** Servers first: a site server or MP with the ConfigMgr client installed (most are) is a server. */
const ROLE_RANK: readonly HostRole[] = ['site-server', 'management-point', 'wsus', 'client', 'unknown'];

/**
 * Each host's roles as its folders show them (`roleHint`), the first its primary: a machine's servers' roles
 * before `client`, `unknown` only when nothing else is known.
 */
export function layoutRoles(files: readonly Pick<BundleFile, 'host' | 'roleHint'>[]): Map<string, HostRole[]> {
  const seen = new Map<string, Set<HostRole>>();
  for (const f of files) {
    const roles = seen.get(f.host);
    if (roles) {
      roles.add(f.roleHint);
    } else {
      seen.set(f.host, new Set([f.roleHint]));
    }
  }
  return new Map(
    [...seen].map(([host, roles]) => {
      const ranked = ROLE_RANK.filter((r) => roles.has(r));
      return [host, ranked.length > 1 ? ranked.filter((r) => r !== 'unknown') : ranked];
    }),
  );
}

export interface BundleFile {
  /** Path inside the bundle, forward slashes. */
  readonly path: string;
  readonly size: number;
  /** Host folder, relative to the bundle root ('' when the bundle is one host's folder). */
  readonly hostDir: string;
  readonly host: string;
  readonly roleHint: HostRole;
  /** Framer chosen from the name alone, when the name settles it. */
  readonly kindHint: FramerKind | undefined;
  /** Files of one log (current + history) share a group; `rank` orders them oldest first. */
  readonly group: string;
  readonly rank: string;
  open(): Promise<Readable>;
  /** Where the file is on disk, when it is a plain file (not inside a .zip): lets a reader seek. */
  readonly diskPath?: string;
}

/** Files up to this size are read in one call; larger ones are streamed in 1 MiB chunks. */
const WHOLE_FILE_BYTES = 8 * 1024 * 1024;
/** Bytes read between turns given to the event loop (see bundleChunks). */
const YIELD_BYTES = 4 * 1024 * 1024;

/**
 * The bytes of every file in order, as (file, chunk) pairs, never more than one small file ahead: a file
 * inside a .zip is inflated while the one before it is parsed. A small file on disk is read in one
 * synchronous call (see readStream), so the one ahead is simply read first.
 */
export async function* bundleChunks(
  files: readonly BundleFile[],
): AsyncGenerator<{ file: BundleFile; chunk: Uint8Array | undefined; error?: Error }> {
  const readWhole = (f: BundleFile | undefined): Promise<Uint8Array | Error> | undefined =>
    f && f.size <= WHOLE_FILE_BYTES ? readStream(f).catch((e: Error) => e) : undefined;
  let ahead = readWhole(files[0]);
  let sinceYield = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    // Files on disk are read synchronously (readStream), which never gives the event loop a turn: let it
    // run first and then every few MB, so that a cancel or any other message for this thread is seen.
    if (i === 0 || sinceYield >= YIELD_BYTES) {
      sinceYield = 0;
      await new Promise<void>((done) => setImmediate(done));
    }
    sinceYield += file.size;
    const whole = ahead;
    ahead = readWhole(files[i + 1]);
    if (whole) {
      const data = await whole;
      yield data instanceof Error ? { file, chunk: undefined, error: data } : { file, chunk: data };
    } else {
      try {
        for await (const chunk of await file.open()) {
          yield { file, chunk: chunk as Uint8Array };
        }
      } catch (e) {
        yield { file, chunk: undefined, error: e as Error };
      }
    }
    // Marks the end of the file for the consumer.
    yield { file, chunk: undefined };
  }
}

async function readStream(file: BundleFile): Promise<Uint8Array> {
  // A file on disk in one synchronous call. A stream per file cost a tenth of a collecting thread's time
  // on a bundle of 2,500 small logs, and `fs/promises` `readFile` still spent 0.3 ms of CPU per file on
  // its thread-pool round trips (0.7 s for 300 MB in 2,458 files; `readFileSync`: 0.08 s). As for
  // listFolder, this thread is never the extension host's, and a file read whole is at most
  // WHOLE_FILE_BYTES: the wait is a fraction of a millisecond.
  if (file.diskPath !== undefined) {
    return readFileSync(file.diskPath);
  }
  const parts: Uint8Array[] = [];
  for await (const chunk of await file.open()) {
    parts.push(chunk as Uint8Array);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export interface HostOverride {
  readonly name?: string;
  readonly role?: HostRole;
}

export interface Bundle {
  /** What the user named: folder, zip or file. */
  readonly source: string;
  readonly name: string;
  readonly files: BundleFile[];
  close(): void;
}

export interface OpenOptions {
  /** Host folder (relative path) → name/role, on top of `cmflow.json`. */
  readonly hosts?: Readonly<Record<string, HostOverride>>;
}

export class BundleError extends Error {}

const LOG_FILE = /\.(log|lo_|txt)$/i;
const DATED = /^(.*)-(\d{8})-(\d{6})$/;

/**
 * The log a file is part of, the same for its current file and its history (`ScanAgent.log`, `ScanAgent.lo_`,
 * `ScanAgent-20250114-033608.log`): its folder and name without the rotation stamp or extension, lower case.
 */
export function logGroup(path: string): string {
  const stem = basename(path).replace(/\.[^.]*$/, '');
  return `${dirname(path).toLowerCase()}/${(DATED.exec(stem)?.[1] ?? stem).toLowerCase()}`;
}

/** Opens a folder, a .zip or a single log file as a bundle. Throws BundleError with a one-line reason. */
export async function openBundle(source: string, options: OpenOptions = {}): Promise<Bundle> {
  const abs = resolve(source);
  let info;
  try {
    info = await stat(abs);
  } catch (e) {
    throw new BundleError(describeFsError(e, source));
  }
  if (info.isDirectory()) {
    const overrides = { ...(await readOverrides(abs)), ...options.hosts };
    const files = placeInstallFolders(unwrapFolder(listFolder(abs, overrides), overrides), overrides);
    return { source, name: basename(abs), files: sortFiles(files.map((f) => hostFromRoot(f, abs))), close() {} };
  }
  if (/\.zip$/i.test(abs)) {
    return openZip(abs, source, options.hosts ?? {});
  }
  const file = describeOnDisk(
    abs,
    basename(abs),
    info.size,
    () => Promise.resolve(createReadStream(abs)),
    options.hosts ?? {},
  );
  return { source, name: basename(abs), files: [hostFromRoot(file, dirname(abs))], close() {} };
}

async function readOverrides(root: string): Promise<Record<string, HostOverride>> {
  let text: string;
  try {
    text = await readFile(join(root, 'cmflow.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as { hosts?: Record<string, HostOverride> };
    return parsed.hosts ?? {};
  } catch (e) {
    throw new BundleError(`cmflow.json in ${root} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The folder's logs, listed synchronously: `fs/promises` spent about 0.15 ms of CPU per call on its
 * thread-pool round trip, so listing a bundle of 2,458 logs took 0.4 s, and 0.05 s with `readdirSync` and
 * `statSync`. Bundles are listed on worker threads or in the CLI, never on the extension host's thread.
 */
function listFolder(root: string, overrides: Record<string, HostOverride>): BundleFile[] {
  const out: BundleFile[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new BundleError(describeFsError(e, dir));
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile() && isLogName(entry.name)) {
        const rel = relative(root, full).split(sep).join('/');
        const size = statSync(full).size;
        out.push(
          describeOnDisk(
            full,
            rel,
            size,
            () =>
              Promise.resolve(
                createReadStream(full, { highWaterMark: size <= WHOLE_FILE_BYTES ? Math.max(size, 1) : 1 << 20 }),
              ),
            overrides,
          ),
        );
      }
    }
  };
  walk(root);
  return out;
}

function isLogName(name: string): boolean {
  return LOG_FILE.test(name) && name.toLowerCase() !== 'readme.txt';
}

async function openZip(abs: string, source: string, overrides: Record<string, HostOverride>): Promise<Bundle> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(abs, { lazyEntries: true, autoClose: false }, (err, z) =>
      err || !z ? fail(new BundleError(`${source} is not a readable .zip: ${err?.message ?? 'unknown error'}`)) : ok(z),
    ),
  );
  const files: BundleFile[] = [];
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const path = entry.fileName.replace(/\\/g, '/');
      if (!path.endsWith('/') && isLogName(basename(path))) {
        const open = (): Promise<Readable> =>
          new Promise((okStream, failStream) =>
            zip.openReadStream(entry, (err, stream) =>
              err || !stream
                ? failStream(new BundleError(`${source}/${path}: ${err?.message ?? 'cannot read'}`))
                : okStream(stream),
            ),
          );
        files.push(describe(path, entry.uncompressedSize, open, overrides));
      }
      zip.readEntry();
    });
    zip.on('end', () => ok());
    zip.on('error', (e: Error) => fail(new BundleError(`${source}: ${e.message}`)));
    zip.readEntry();
  });
  // Logs at the archive's root (a machine's log folder zipped as it is): the archive names the machine.
  const machine = machineName(basename(abs));
  return {
    source,
    name: basename(abs),
    files: sortFiles(
      placeInstallFolders(unwrapFolder(files, overrides), overrides).map((f) =>
        f.host === '' ? { ...f, host: machine } : f,
      ),
    ),
    close: () => zip.close(),
  };
}

function describeOnDisk(
  diskPath: string,
  path: string,
  size: number,
  open: () => Promise<Readable>,
  overrides: Readonly<Record<string, HostOverride>>,
): BundleFile {
  return { ...describe(path, size, open, overrides), diskPath };
}

function describe(
  path: string,
  size: number,
  open: () => Promise<Readable>,
  overrides: Readonly<Record<string, HostOverride>>,
): BundleFile {
  const name = basename(path);
  const stem = name.replace(/\.[^.]*$/, '');
  const dated = DATED.exec(stem);
  const ext = name.slice(stem.length).toLowerCase();
  // History sorts before the current file: dated copies by their stamp, then `.lo_`, then `.log`.
  const rank = dated ? `0-${dated[2]}${dated[3]}` : ext === '.lo_' ? '1' : '2';
  return {
    path,
    size,
    ...hostOf(path, inferHost(path), overrides),
    kindHint: detectByName(name),
    group: logGroup(path),
    rank,
    open,
  };
}

/** The host a file at `path` is on, as `place` says and `cmflow.json` overrides, and the role it plays there. */
function hostOf(
  path: string,
  place: HostPlace,
  overrides: Readonly<Record<string, HostOverride>>,
): Pick<BundleFile, 'host' | 'hostDir' | 'roleHint'> {
  const override = overrides[place.hostDir];
  const role = place.role !== 'unknown' ? place.role : roleOfLog(path);
  return { hostDir: place.hostDir, host: override?.name ?? place.host, roleHint: override?.role ?? role };
}

/**
 * A bundle opened at one host's own log folder (say `…\\PS1WIN10X64\\Windows\\CCM\\Logs`) has no host folder
 * inside it: look at the folders above the root instead.
 */
function hostFromRoot(file: BundleFile, root: string): BundleFile {
  if (file.host !== '') {
    return file;
  }
  const outer = inferHost([...root.split(sep).filter(Boolean), ...file.path.split('/')].join('/'));
  // Above a known log folder the host's folder says it; else the folder opened is the machine's (not the first
  // folder of its absolute path, as it was: `tmp`, `home`).
  const host = outer.known && outer.host !== '' ? outer.host : machineName(basename(root));
  return { ...file, host, roleHint: file.roleHint === 'unknown' ? outer.role : file.roleHint };
}

/**
 * A machine's name from the folder or archive its logs were collected in, without the date and time a tool
 * stamps on it: `PS1WIN10X64_20250121.zip`, `PS1WIN10X64-2025-01-21_1402` → `PS1WIN10X64`.
 */
function machineName(collected: string): string {
  const name = collected.replace(/\.zip$/i, '');
  return name.replace(/[_-]\d{4}-?\d{2}-?\d{2}(?:[_T -]?\d{2}-?\d{2}(?:-?\d{2})?)?$/, '') || name;
}

/** By log (folder + name without history suffix), then history oldest first, then the current file. */
function sortFiles(files: BundleFile[]): BundleFile[] {
  return files.sort((a, b) => compare(a.group, b.group) || compare(a.rank, b.rank) || compare(a.path, b.path));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface HostPlace {
  readonly hostDir: string;
  readonly host: string;
  readonly role: HostRole;
  /** The path holds a log folder of a known layout (`CCM/Logs`, `SMS_CCM/Logs`, …); else its first folder is taken. */
  readonly known: boolean;
}

/**
 * Folders between a host's folder and its log folders that name no host: drive letters (`C`, `E$`), `Program
 * Files`, and the site's install folder, in which an MP on the site server keeps `SMS_CCM\\Logs`. An install
 * folder of another name is not told from a host's (servers are named SCCM or CONFIGMGR): `cmflow.json` says.
 */
const NOT_A_HOST = /^(?:[a-z]\$?|program files(?: \(x86\))?|microsoft configuration manager)$/;

/** The host's folder among a path's folders: `i` or the nearest above it that NOT_A_HOST passes over (-1: none). */
function hostFolderAt(segs: readonly string[], i: number): number {
  let k = i;
  while (k > 0 && NOT_A_HOST.test(segs[k]!.toLowerCase())) {
    k--;
  }
  return k;
}

/** Folders named for a day (`2025-01-13`, `20250113_1402`): one machine's logs by day, not machines. */
const DAY_FOLDER = /^\d{4}-?\d{2}-?\d{2}(?:[ _T-].*)?$/;
/** Folders named for logs (`Logs`, `CCMLogs`, `SetupLogs`): what is in them, not who wrote it. */
const LOG_FOLDER = /logs?$/i;

/**
 * Each machine's logs copied straight under its name inside a folder of the collection's own
 * (`Collected/PS1MP01/MP_Location.log`, as zipping a folder gives; `Clients/PS1WKS0042/ScanAgent.log` beside
 * `Servers/PS1MP01/…`): the folder under it names the host, not the collection's. A top folder is taken so when
 * every log under it whose path shows no known layout lies in a subfolder of it, and two or more of those
 * subfolders hold logs whose names say a role (a machine's own subfolders, `Logs` and `Panther`, hold one at
 * most; one is enough where another top folder is taken so), none named for a day or for logs. A host
 * `cmflow.json` names stays.
 */
function unwrapFolder(files: readonly BundleFile[], overrides: Readonly<Record<string, HostOverride>>): BundleFile[] {
  // Each top folder's flat logs, and whether each of its subfolders holds a log whose name says a role.
  const tops = new Map<string, { files: BundleFile[]; under: Map<string, boolean>; flat: boolean }>();
  for (const f of files) {
    if (inferHost(f.path).known) {
      continue;
    }
    const segs = f.path.split('/');
    const top = tops.get(segs[0]!) ?? { files: [], under: new Map<string, boolean>(), flat: true };
    tops.set(segs[0]!, top);
    if (segs.length < 3) {
      top.flat = false;
      continue;
    }
    top.under.set(segs[1]!, (top.under.get(segs[1]!) ?? false) || roleOfLog(f.path) !== 'unknown');
    top.files.push(f);
  }
  // Machines' folders under it: two or more, or one where the collection's other top folders hold machines.
  const holdsMachines = (name: string, least: number): boolean => {
    const top = tops.get(name)!;
    const folders = [...top.under.keys()];
    return (
      top.flat &&
      !overrides[name] &&
      [...top.under.values()].filter(Boolean).length >= least &&
      !folders.some((d) => DAY_FOLDER.test(d) || LOG_FOLDER.test(d) || NOT_A_HOST.test(d.toLowerCase()))
    );
  };
  const wrappers = [...tops.keys()].filter((name) => holdsMachines(name, 2));
  if (wrappers.length > 0) {
    wrappers.push(...[...tops.keys()].filter((name) => !wrappers.includes(name) && holdsMachines(name, 1)));
  }
  const moved = new Map<BundleFile, string>();
  for (const name of wrappers) {
    tops.get(name)!.files.forEach((f) => moved.set(f, name));
  }
  if (moved.size === 0) {
    return [...files];
  }
  return files.map((f) => {
    const top = moved.get(f);
    if (top === undefined) {
      return f;
    }
    const inner = inferHost(f.path.slice(top.length + 1));
    return { ...f, ...hostOf(f.path, { ...inner, hostDir: `${top}/${inner.hostDir}` }, overrides) };
  });
}

/** Logs only a site server writes, by name without extension and history stamp. */
const SITE_SERVER_LOGS =
  'statesys|wsyncmgr|wcm|smsdbmon|policypv|sitecomp|smsexec|hman|distmgr|compmon|sitestat|objreplmgr|rcmctrl|smsprov|colleval|statmgr|despool|replmgr|compsumm|offermgr|dataldr|ruleengine';

/** Logs only a site server writes (current or history), by file name. */
const SITE_SERVER_LOG = new RegExp(`^(?:${SITE_SERVER_LOGS})(?:-\\d{8}-\\d{6})?\\.(?:log|lo_)$`, 'i');

/**
 * An MP on the site server keeps `SMS_CCM\\Logs` in the site's install folder, whatever it is called
 * (`E:\\ConfigMgr`): a folder that holds both `SMS_CCM/Logs` and `Logs` is an install folder, its `Logs` the
 * site server's, and the host is the folder above it, as for the default name (see NOT_A_HOST). A host folder
 * `cmflow.json` names is left as it is.
 */
function placeInstallFolders(
  files: readonly BundleFile[],
  overrides: Readonly<Record<string, HostOverride>>,
): BundleFile[] {
  const folders = new Set(files.map((f) => dirname(f.path).toLowerCase()));
  // A `Logs` folder is the site server's when it holds a log only a site server writes (a remote MP's
  // `SMS\\Logs`, copied as `PS1MP01/Logs`, holds MPFDM.log and MpControl.log).
  const siteLogs = new Set(
    files.flatMap((f) => (SITE_SERVER_LOG.test(basename(f.path)) ? [dirname(f.path).toLowerCase()] : [])),
  );
  const installs = new Set(
    [...folders].flatMap((d) => (d.endsWith('/sms_ccm/logs') ? [d.slice(0, -'/sms_ccm/logs'.length)] : [])),
  );
  for (const install of installs) {
    if (install === '' || !siteLogs.has(`${install}/logs`)) {
      installs.delete(install);
    }
  }
  if (installs.size === 0) {
    return [...files];
  }
  return files.map((f) => {
    const dir = dirname(f.path);
    const lower = dir.toLowerCase();
    const mp = lower.endsWith('/sms_ccm/logs') && installs.has(lower.slice(0, -'/sms_ccm/logs'.length));
    const site = lower.endsWith('/logs') && installs.has(lower.slice(0, -'/logs'.length));
    if ((!mp && !site) || overrides[f.hostDir]) {
      return f;
    }
    const segs = dir.split('/').slice(0, mp ? -3 : -2);
    const hostIdx = hostFolderAt(segs, segs.length - 1);
    if (hostIdx < 0) {
      return f;
    }
    const hostDir = segs.slice(0, hostIdx + 1).join('/');
    const override = overrides[hostDir];
    return {
      ...f,
      hostDir,
      host: override?.name ?? segs[hostIdx]!,
      roleHint: override?.role ?? (mp ? 'management-point' : 'site-server'),
    };
  });
}

/**
 * Logs whose name alone says which role wrote them, for a host whose folders do not say it (a copy of each
 * machine's log folder straight under its name, say `PS1MP01\MP_Location.log`): the site server's components,
 * the MP's, the client agents'. CcmExec.log and CcmMessaging.log are not among them: an MP writes them too.
 */
const ROLE_BY_LOG: ReadonlyArray<readonly [RegExp, HostRole]> = [
  [new RegExp(`^(?:${SITE_SERVER_LOGS})$`), 'site-server'],
  [/^(mp_\w+|mpfdm|mpcontrol|mpsetup|mpmsi)$/, 'management-point'],
  [
    /^(scanagent|wuahandler|updatesdeployment|updateshandler|updatesstore|statemessage|policyagent|policyevaluator|locationservices|clientidmanagerstartup|execmgr|cas|contenttransfermanager|datatransferservice|inventoryagent|mtrmgr|swmtrreportgen|ccmsetup)$/,
    'client',
  ],
];

/** The role a log's name (without extension and history stamp) says wrote it, or 'unknown'. */
function roleOfLog(path: string): HostRole {
  const stem = basename(path).replace(/\.[^.]*$/, '');
  const log = (DATED.exec(stem)?.[1] ?? stem).toLowerCase();
  return ROLE_BY_LOG.find(([re]) => re.test(log))?.[1] ?? 'unknown';
}

/** Where a file's path says it came from. The folder above the well-known log folder names the host. */
export function inferHost(path: string): HostPlace {
  const segs = path.split('/');
  const lower = segs.map((s) => s.toLowerCase());
  // The host's folder is the nearest above segment `i` that is not a drive, Program Files or an install folder.
  const above = (i: number, role: HostRole): HostPlace => {
    const hostIdx = hostFolderAt(segs, i - 1);
    const host = hostIdx >= 0 ? segs[hostIdx]! : '';
    return { hostDir: segs.slice(0, hostIdx + 1).join('/'), host, role, known: true };
  };
  for (let i = 0; i < lower.length - 1; i++) {
    const a = lower[i]!;
    const b = lower[i + 1]!;
    if (a === 'ccm' && b === 'logs') {
      return above(lower[i - 1] === 'windows' ? i - 1 : i, 'client');
    }
    if (a === 'sms_ccm' && b === 'logs') {
      return above(i, 'management-point');
    }
    if (a === 'sms' && b === 'logs') {
      return above(i, 'management-point');
    }
    if (a === 'microsoft configuration manager' && b === 'logs') {
      return above(i, 'site-server');
    }
    if (a === 'inetpub' && b === 'logs') {
      return above(i, 'unknown');
    }
    if (a === 'windows' && b.startsWith('windowsupdate')) {
      return above(i, 'client');
    }
  }
  return segs.length > 1
    ? { ...above(1, 'unknown'), known: false }
    : { hostDir: '', host: '', role: 'unknown', known: false };
}

function describeFsError(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `no such file or folder: ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    case 'ENOTDIR':
      return `not a folder: ${path}`;
    default:
      return `cannot read ${path}: ${(e as Error).message}`;
  }
}
