/**
 * The OTLP/gRPC side of `collect`: TraceService/Export on @grpc/grpc-js, with the messages kept
 * as bytes (grpc-js's own deserializer would be proto-loader's, a second protobufjs copy) and
 * decoded by the same Ingest as OTLP/HTTP. grpc-js enforces the size limit on the received
 * message, after decompression too, with RESOURCE_EXHAUSTED.
 */
import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import type { RawExport } from './http-receiver.ts';
import type { Ingest } from './ingest.ts';
import { encodeResponse } from './otlp-proto.ts';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const identity = (bytes: Buffer): Buffer => bytes;

/** TraceService with its one method, request and response as bytes. */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

export interface GrpcReceiverOptions {
  ingest: Ingest;
  maxBodyBytes: number;
  /** Called with every export that was accepted (as OTLP/HTTP protobuf, for --forward). */
  accepted?: (raw: RawExport) => void;
  /** True once the receiver is shutting down: exports then get UNAVAILABLE. */
  draining: () => boolean;
}

function failure(code: status, details: string): Partial<ServiceError> {
  return { code, details, name: 'OTLP export', message: details };
}

/** Starts the gRPC receiver on `host:port`; resolves with it and the port bound. */
export async function startGrpcReceiver(
  host: string,
  port: number,
  options: GrpcReceiverOptions,
): Promise<{ server: Server; port: number }> {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
  });
  const exportTraces: handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    if (options.draining()) {
      callback(failure(status.UNAVAILABLE, 'the receiver is shutting down'));
      return;
    }
    try {
      const batch = options.ingest.protobuf(call.request);
      options.ingest.take(batch);
      if (batch.nodes.length > 0)
        options.accepted?.({
          body: call.request,
          contentType: 'application/x-protobuf',
          contentEncoding: undefined,
          spans: batch.nodes.length,
        });
      callback(null, Buffer.from(encodeResponse(batch.rejected, batch.reason)));
    } catch (error) {
      options.ingest.refused();
      const malformed = error instanceof CodedError && error.code === ERROR_CODE.MALFORMED_EXPORT;
      callback(
        failure(
          malformed ? status.INVALID_ARGUMENT : status.INTERNAL,
          malformed ? (error as Error).message : 'internal error',
        ),
      );
    }
  };
  server.addService(TRACE_SERVICE, { Export: exportTraces });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return { server, port: bound };
}

/** Stops `server`: in-flight calls finish, then the listener closes (forced after `graceMs`). */
export function stopGrpcReceiver(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
