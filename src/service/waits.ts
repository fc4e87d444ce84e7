/**
 * The two waits of a request before its pipeline runs, as spans under the SERVER span: receiving
 * and parsing the multipart upload (`http.upload`) and waiting for an admission slot
 * (`admission.wait`, near zero when a slot was free). Without them that time would be a gap in
 * the request that nothing names.
 */
import type { IncomingMessage } from 'node:http';
import type { ResourceMeter } from '../telemetry/resource-meter.ts';
import { ATTR, SPAN } from '../telemetry/names.ts';
import { stage } from '../telemetry/stage.ts';
import type { Admission } from './admission.ts';
import { parseUpload, type ParsedUpload, type UploadLimits } from './multipart.ts';

/** Receives and parses the upload inside `http.upload`, counting it on `meter` while it arrives. */
export function receiveUpload(request: IncomingMessage, limits: UploadLimits, meter: ResourceMeter): Promise<ParsedUpload> {
  return stage(SPAN.HTTP_UPLOAD, 'medium', async (span) => {
    meter.acquire();
    try {
      const upload = await parseUpload(request, limits);
      span?.setAttribute(ATTR.UPLOAD_BYTES, upload.file?.length ?? 0);
      return upload;
    } finally {
      meter.release();
    }
  });
}

/** Waits for an admission slot inside `admission.wait`; resolves with the slot's release function. */
export function admitted(admission: Admission): Promise<() => void> {
  return stage(
    SPAN.ADMISSION_WAIT,
    'medium',
    () => admission.acquire(),
    { [ATTR.ADMISSION_QUEUED]: admission.queued, [ATTR.ADMISSION_MAX_CONCURRENT]: admission.maxConcurrent },
  );
}
