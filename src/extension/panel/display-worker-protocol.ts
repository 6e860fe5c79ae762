// Requests from the extension host to the display worker (dist/display-worker.js), a forked Node
// process that decodes images for the review panel. It keeps sharp (a native addon) and the
// synchronous DICOM decoders off the extension host, as the scoring worker does for scoring.
// The envelope (ids, replies, result checks) is the shared one of protocol/request-reply.ts.
import * as v from 'valibot';
import { count } from '../../engine/results-schema';
import { PixelImageSchema } from '../../protocol/review-panel-protocol';
import { requestSchemas, type MethodSchemas, type MethodTypes } from '../../protocol/request-reply';

/** Longest side of decoded images sent to the webview (the viewer zooms; memory and transfer stay small). */
export const DISPLAY_MAX_SIDE = 1536;

export const DISPLAY_METHODS = {
  decode: {
    params: v.object({
      path: v.string('expected a path'),
      maxSide: count,
      /** `radalign.limits.maxImagePixels` when the user set it; the engine's default otherwise. */
      maxImagePixels: v.optional(v.pipe(count, v.minValue(1, 'expected 1 or more'))),
    }),
    result: PixelImageSchema,
  },
} satisfies MethodSchemas;
export type DisplayRequests = MethodTypes<typeof DISPLAY_METHODS>;

/** What the worker accepts. */
export const DisplayRequestSchema = requestSchemas(DISPLAY_METHODS);
