/*
 * One long-lived PocketSphinx decoder and the three stages of a request: front end (float PCM to
 * MFCC frames), search (acoustic scoring and n-gram search over the whole utterance) and
 * post-processing (best hypothesis, posterior and word segmentation). Nothing here knows about
 * Node: the N-API glue in addon.c runs these functions on the libuv threadpool.
 */
#ifndef AMANUENSIS_RECOGNIZER_H
#define AMANUENSIS_RECOGNIZER_H

#include <stddef.h>
#include <stdint.h>

typedef struct recognizer_s recognizer_t;

/* One entry of the best path: a word, filler or silence, as the decoder names it. */
typedef struct {
  char *word;          /* as in the dictionary, e.g. "read(2)", "<sil>", "[NOISE]" */
  int start_frame;     /* inclusive, 10 ms frames from the start of the audio */
  int end_frame;       /* inclusive */
  double log_posterior; /* natural log of the word's posterior probability */
  int32_t lm_id;       /* id of the base word in the language model, -1 for fillers */
} recognizer_word_t;

/* Stage boundaries in uv_hrtime() nanoseconds, the clock behind process.hrtime(). */
typedef struct {
  uint64_t frontend_start, frontend_end;
  uint64_t search_start, search_end;
  uint64_t post_start, post_end;
} recognizer_times_t;

typedef struct {
  char *text;            /* best hypothesis, words separated by spaces ("" when none) */
  int32_t score;         /* path score in the decoder's log base */
  double log_posterior;  /* natural log of the utterance posterior */
  int frames;            /* MFCC frames computed */
  recognizer_word_t *words;
  int n_words;
  recognizer_times_t times;
} recognizer_result_t;

/*
 * Loads the acoustic model, dictionary and language model. argv holds "-name", "value" pairs
 * (no program name). Returns NULL and fills `error` on failure.
 */
recognizer_t *recognizer_open(int argc, char **argv, char *error, size_t error_bytes);

/*
 * Recognises `n_samples` of 16 kHz mono float PCM in [-1, 1] as one utterance. Not reentrant for
 * one recogniser; distinct recognisers run in parallel. Returns 0, or -1 and fills `error`.
 */
int recognizer_decode(recognizer_t *rec, const float *pcm, size_t n_samples, recognizer_result_t *out,
                      char *error, size_t error_bytes);

void recognizer_result_free(recognizer_result_t *result);

void recognizer_close(recognizer_t *rec);

/* Routes the library's log to a per-thread "last error" buffer instead of stderr. Call once. */
void recognizer_quiet_logging(void);

#endif
