/**
 * Whisper-base shapes (openai/whisper, model card "base": 74M parameters): 80 mel bins, width 512,
 * 8 heads, 6 encoder and 6 decoder layers, FFN 2048. Windows of 30 s (1500 encoder positions),
 * the span Whisper attends over.
 */
export const N_MELS = 80;
export const D_MODEL = 512;
export const N_HEADS = 8;
export const D_FFN = 2048;
export const ENCODER_LAYERS = 6;
export const DECODER_LAYERS = 6;
/** Mel frames per 30 s window, Whisper's unit of work: the encoder runs once per window. */
export const WINDOW_FRAMES = 3000;
/** Encoder positions per 30 s window: 3000 mel frames, halved by the stride-2 convolution. */
export const WINDOW_POSITIONS = 1500;

/** Encoder positions for `frames` mel frames: the second convolution has stride 2, padding 1, kernel 3. */
export function encoderPositions(frames: number): number {
  return frames === 0 ? 0 : Math.floor((frames - 1) / 2) + 1;
}
