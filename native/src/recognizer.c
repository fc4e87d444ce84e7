/*
 * PocketSphinx 5prealpha (Debian's libpocketsphinx3) driven one whole request at a time, as one
 * utterance: the cepstral mean is taken over the whole request (batch CMN) instead of being
 * tracked live from a prior, which is what pocketsphinx_continuous does. The front end runs
 * separately from the search (fe_process_frames, then ps_process_cep with full_utt), exactly what
 * ps_process_raw(full_utt) does inside, so the two stages can be timed apart.
 */
#include "recognizer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>

struct recognizer_s {
  ps_decoder_t *ps;
  fe_t *fe;            /* owned by ps */
  int ceplen;
  mfcc_t **cep;        /* reused between requests, grown as needed */
  int cep_frames;      /* rows allocated */
  int16 *samples;      /* reused int16 copy of the input */
  size_t samples_alloc;
};

static _Thread_local char last_error[512];

/* The library logs through this callback: keep the last error of this thread, drop the rest. */
static void capture_log(void *user_data, err_lvl_t level, const char *format, ...) {
  if (level < ERR_ERROR || format == NULL) return;
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  size_t n = strlen(last_error);
  while (n > 0 && (last_error[n - 1] == '\n' || last_error[n - 1] == ' ')) last_error[--n] = '\0';
}

void recognizer_quiet_logging(void) {
  err_set_logfp(NULL);
  err_set_callback(capture_log, NULL);
}

static void fail(char *error, size_t error_bytes, const char *what) {
  if (last_error[0] != '\0')
    snprintf(error, error_bytes, "%s: %s", what, last_error);
  else
    snprintf(error, error_bytes, "%s", what);
  last_error[0] = '\0';
}

recognizer_t *recognizer_open(int argc, char **argv, char *error, size_t error_bytes) {
  last_error[0] = '\0';
  /* cmd_ln_parse_r skips argv[0], the program name. */
  char **full = calloc((size_t)argc + 1, sizeof *full);
  if (full == NULL) {
    snprintf(error, error_bytes, "out of memory");
    return NULL;
  }
  full[0] = "amanuensis";
  for (int i = 0; i < argc; i++) full[i + 1] = argv[i];
  cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), argc + 1, full, TRUE);
  free(full);
  if (config == NULL) {
    fail(error, error_bytes, "invalid PocketSphinx configuration");
    return NULL;
  }
  ps_decoder_t *ps = ps_init(config);
  cmd_ln_free_r(config);
  if (ps == NULL) {
    fail(error, error_bytes, "PocketSphinx failed to load its model");
    return NULL;
  }
  recognizer_t *rec = calloc(1, sizeof *rec);
  if (rec == NULL) {
    ps_free(ps);
    snprintf(error, error_bytes, "out of memory");
    return NULL;
  }
  rec->ps = ps;
  rec->fe = ps_get_fe(ps);
  rec->ceplen = fe_get_output_size(rec->fe);
  return rec;
}

static int ensure_buffers(recognizer_t *rec, size_t n_samples, int frames) {
  if (n_samples > rec->samples_alloc) {
    int16 *grown = realloc(rec->samples, n_samples * sizeof *grown);
    if (grown == NULL) return -1;
    rec->samples = grown;
    rec->samples_alloc = n_samples;
  }
  if (frames > rec->cep_frames) {
    if (rec->cep != NULL) ckd_free_2d(rec->cep);
    rec->cep = (mfcc_t **)ckd_calloc_2d((size_t)frames, (size_t)rec->ceplen, sizeof(mfcc_t));
    rec->cep_frames = frames;
  }
  return 0;
}

/*
 * Audio whose loudest 10 ms block stays below this level is digital silence or close to it: it is
 * answered as no speech without searching (the search would otherwise "hear" a word in noise-free
 * frames).
 */
#define SILENCE_DBFS (-70.0)
#define BLOCK_SAMPLES 160

/*
 * Float PCM to the int16 the library reads (the 32768 scale WAV decoders use), with triangular
 * dither of +-1 LSB, as sox adds when it writes 16-bit audio. Without it, runs of exact zeros
 * (synthesised or gated audio) become frames of floor-level log energy that drag the utterance's
 * cepstral mean far from speech. The generator restarts per request, so the same audio always
 * gives the same samples. Returns the loudest 10 ms block's level in dBFS.
 */
static double to_int16(const float *pcm, size_t n, int16 *out) {
  uint32_t state = 0x2545F491u;
  double loudest = 0.0, block = 0.0;
  for (size_t i = 0; i < n; i++) {
    state = state * 1664525u + 1013904223u;
    float u1 = (float)(state >> 8) / 16777216.0f;
    state = state * 1664525u + 1013904223u;
    float u2 = (float)(state >> 8) / 16777216.0f;
    float scaled = pcm[i] * 32768.0f + (u1 - u2);
    if (scaled > 32767.0f) scaled = 32767.0f;
    if (scaled < -32768.0f) scaled = -32768.0f;
    out[i] = (int16)lrintf(scaled);
    block += (double)out[i] * out[i];
    if ((i + 1) % BLOCK_SAMPLES == 0 || i + 1 == n) {
      if (block > loudest) loudest = block;
      block = 0.0;
    }
  }
  double mean_square = loudest / BLOCK_SAMPLES;
  return mean_square > 0.0 ? 10.0 * log10(mean_square / (32768.0 * 32768.0)) : -INFINITY;
}

static int frontend(recognizer_t *rec, const float *pcm, size_t n_samples, int *out_frames, int *out_audible) {
  int32 frames = 0;
  size_t remaining = n_samples;
  /* A new stream per request: resets the front end's noise estimate (and keeps segment frames
   * relative to this audio's start), so no request depends on the one before. */
  if (ps_start_stream(rec->ps) < 0) return -1;
  fe_start_utt(rec->fe);
  if (fe_process_frames(rec->fe, NULL, &remaining, NULL, &frames, NULL) < 0) return -1;
  if (ensure_buffers(rec, n_samples, frames + 1) < 0) return -1;
  *out_audible = to_int16(pcm, n_samples, rec->samples) >= SILENCE_DBFS;
  int16 const *cursor = rec->samples;
  remaining = n_samples;
  if (fe_process_frames(rec->fe, &cursor, &remaining, rec->cep, &frames, NULL) < 0) return -1;
  int32 tail = 0;
  fe_end_utt(rec->fe, rec->cep[frames], &tail);
  *out_frames = frames + tail;
  return 0;
}

static int search(recognizer_t *rec, int frames) {
  if (ps_start_utt(rec->ps) < 0) return -1;
  if (frames > 0 && ps_process_cep(rec->ps, rec->cep, frames, FALSE, TRUE) < 0) {
    ps_end_utt(rec->ps);
    return -1;
  }
  return ps_end_utt(rec->ps) < 0 ? -1 : 0;
}

static int is_filler(const char *word) {
  return word[0] == '<' || word[0] == '[' || word[0] == '+';
}

/* The language-model id of the base form ("read(2)" -> "read"), -1 for fillers and unknowns. */
static int32_t lm_id(ngram_model_t *lm, const char *word) {
  if (lm == NULL || is_filler(word)) return -1;
  char base[256];
  snprintf(base, sizeof base, "%s", word);
  char *paren = strchr(base, '(');
  if (paren != NULL) *paren = '\0';
  int32 id = ngram_wid(lm, base);
  return id == ngram_unknown_wid(lm) ? -1 : id;
}

static int post_process(recognizer_t *rec, recognizer_result_t *out) {
  logmath_t *lmath = ps_get_logmath(rec->ps);
  int32 score = 0;
  char const *hyp = ps_get_hyp(rec->ps, &score);
  out->text = strdup(hyp != NULL ? hyp : "");
  out->score = score;
  out->log_posterior = hyp != NULL ? logmath_log_to_ln(lmath, ps_get_prob(rec->ps)) : 0.0;
  const char *search_name = ps_get_search(rec->ps);
  ngram_model_t *lm = search_name != NULL ? ps_get_lm(rec->ps, search_name) : NULL;

  int capacity = 0;
  for (ps_seg_t *seg = ps_seg_iter(rec->ps); seg != NULL; seg = ps_seg_next(seg)) {
    if (out->n_words == capacity) {
      capacity = capacity == 0 ? 32 : capacity * 2;
      recognizer_word_t *grown = realloc(out->words, (size_t)capacity * sizeof *grown);
      if (grown == NULL) {
        ps_seg_free(seg);
        return -1;
      }
      out->words = grown;
    }
    recognizer_word_t *w = &out->words[out->n_words++];
    const char *word = ps_seg_word(seg);
    w->word = strdup(word);
    ps_seg_frames(seg, &w->start_frame, &w->end_frame);
    w->log_posterior = logmath_log_to_ln(lmath, ps_seg_prob(seg, NULL, NULL, NULL));
    w->lm_id = lm_id(lm, word);
  }
  return out->text == NULL ? -1 : 0;
}

int recognizer_decode(recognizer_t *rec, const float *pcm, size_t n_samples, recognizer_result_t *out,
                      char *error, size_t error_bytes) {
  memset(out, 0, sizeof *out);
  last_error[0] = '\0';
  out->times.frontend_start = uv_hrtime();
  int audible = 0;
  if (frontend(rec, pcm, n_samples, &out->frames, &audible) < 0) {
    fail(error, error_bytes, "front end failed");
    return -1;
  }
  out->times.frontend_end = out->times.search_start = uv_hrtime();
  if (!audible) {
    out->text = strdup("");
    out->times.search_end = out->times.post_start = out->times.post_end = out->times.search_start;
    return out->text == NULL ? -1 : 0;
  }
  if (search(rec, out->frames) < 0) {
    fail(error, error_bytes, "search failed");
    return -1;
  }
  out->times.search_end = out->times.post_start = uv_hrtime();
  if (post_process(rec, out) < 0) {
    fail(error, error_bytes, "post-processing failed");
    return -1;
  }
  out->times.post_end = uv_hrtime();
  return 0;
}

void recognizer_result_free(recognizer_result_t *result) {
  for (int i = 0; i < result->n_words; i++) free(result->words[i].word);
  free(result->words);
  free(result->text);
  memset(result, 0, sizeof *result);
}

void recognizer_close(recognizer_t *rec) {
  if (rec == NULL) return;
  if (rec->cep != NULL) ckd_free_2d(rec->cep);
  free(rec->samples);
  ps_free(rec->ps);
  free(rec);
}
