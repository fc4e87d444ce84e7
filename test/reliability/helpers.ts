/**
 * Shared pieces of the reliability tests: clips, /health and span-summary reads, polling the
 * service's state (it has no push channel), free and black-holed ports, output capture.
 */

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, realpath } from 'node:fs/promises';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClipKind, makeClip } from '../../src/audio/clips.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { waitUntil } from '../support/wait.ts';

const RATE_HZ = 16000;

/** A built-in clip as a 16 kHz mono 16-bit WAV. */
export function clipWav(kind: ClipKind): Uint8Array {
  return encodeWav(makeClip(kind), RATE_HZ);
}

/** `seconds` of speech-like audio (the 30 s clip repeated), for requests that must run long. */
export function longWav(seconds: number): Uint8Array {
  const unit = makeClip('30s');
  const samples = new Float32Array(seconds * RATE_HZ);
  for (let at = 0; at < samples.length; at += unit.length)
    samples.set(unit.subarray(0, Math.min(unit.length, samples.length - at)), at);
  return encodeWav(samples, RATE_HZ);
}

export interface PostOptions {
  fields?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The multipart file name (default speech.wav). */
  filename?: string;
}

/** Posts `wav` as the OpenAI multipart form, like test/support's transcribe() but abortable. */
export function postWav(url: string, wav: Uint8Array, options: PostOptions = {}): Promise<Response> {
  const form = new FormData();
  form.set('file', new Blob([wav], { type: 'audio/wav' }), options.filename ?? 'speech.wav');
  form.set('model', 'whisper-1');
  for (const [name, value] of Object.entries(options.fields ?? {})) form.append(name, value);
  return fetch(`${url}/v1/audio/transcriptions`, {
    method: 'POST',
    body: form,
    headers: options.headers ?? {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export interface Health {
  status: string;
  dropped_spans: number;
  in_flight: number;
  queued: number;
  open_requests: number;
  uploads_receiving: number;
  processing_s_per_audio_s: number | null;
  answered_ok: number;
  answered_failed: number;
  rss_bytes: number;
}

export async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/health`)).json()) as Health;
}

export async function spanSummary(url: string, headers: Record<string, string> = {}): Promise<SpanSummaryDocument> {
  const response = await fetch(`${url}/v1/span-summary`, { headers });
  if (response.status !== 200) throw new Error(`span summary: HTTP ${response.status}`);
  return (await response.json()) as SpanSummaryDocument;
}

/** Count and errors of span `name` in a summary (zeros when absent). */
export function spanCount(summary: SpanSummaryDocument, name: string): { count: number; errors: number } {
  const entry = summary.spans.find((s) => s.name === name);
  return { count: entry?.count ?? 0, errors: entry?.errors ?? 0 };
}

/**
 * Polls /health until `predicate` holds. The service has no event to wait on from outside, so
 * this polls briefly; the deadline only turns a stuck state into a clear failure.
 */
export function waitForHealth(
  url: string,
  predicate: (h: Health) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<Health> {
  return waitUntil(what, () => health(url), { timeoutMs, until: predicate });
}

/** A fresh temporary folder by its real path (--summary-out refuses folders reached through links). */
export async function tempFolder(prefix: string): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), `amanuensis-${prefix}-`)));
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface BlackHole {
  url: string;
  /** Connections accepted so far. */
  accepted: number;
  /** Bytes received on all connections. */
  bytesReceived: number;
  /** Connections the peer closed (an exporter giving up). */
  closedByPeer: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 that accepts connections, reads everything and never answers. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const state = { accepted: 0, bytesReceived: 0, closedByPeer: 0 };
  const server = createTcpServer((socket) => {
    state.accepted++;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => (state.bytesReceived += chunk.length));
    socket.on('end', () => state.closedByPeer++);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return state.accepted;
    },
    get bytesReceived() {
      return state.bytesReceived;
    },
    get closedByPeer() {
      return state.closedByPeer;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Everything a child writes on stdout and stderr from now on. */
export function captureOutput(child: ChildProcess): () => string {
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Resolves when the child prints a line matching `pattern` on stdout. */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
  });
}

/** An OTLP/HTTP endpoint that answers 200 and keeps the raw request bodies. */
export async function startRawSink(): Promise<{ url: string; bodies: Buffer[]; close(): Promise<void> }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
