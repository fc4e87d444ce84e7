/*
 * Node-API glue (plain C, ABI-stable across Node versions): open a recogniser, decode audio with
 * it, close it. Loading and decoding run as async work on the libuv threadpool, so the event loop
 * never waits for the library; each recogniser decodes one request at a time (the TypeScript pool
 * hands it out), and several recognisers decode in parallel on different threads.
 *
 *   open(args: string[]): Promise<handle>
 *   decode(handle, pcm: Float32Array): Promise<RawResult>
 *   close(handle): void   (deferred until a running decode finishes)
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "recognizer.h"

#define ERROR_BYTES 512

typedef struct {
  recognizer_t *rec;
  int busy;
  int close_requested;
} handle_t;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int argc;
  char **argv;
  recognizer_t *rec;
  char error[ERROR_BYTES];
} open_job_t;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  handle_t *handle;
  float *pcm;
  size_t n_samples;
  int status;
  recognizer_result_t result;
  char error[ERROR_BYTES];
} decode_job_t;

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value make_error(napi_env env, const char *message) {
  napi_value text, error;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &error);
  return error;
}

static void set_number(napi_env env, napi_value object, const char *key, double value) {
  napi_value number;
  napi_create_double(env, value, &number);
  napi_set_named_property(env, object, key, number);
}

static void set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value text;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &text);
  napi_set_named_property(env, object, key, text);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  handle_t *handle = data;
  recognizer_close(handle->rec);
  free(handle);
}

static handle_t *get_handle(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) return NULL;
  return data;
}

/* ---- open ---- */

static void open_execute(napi_env env, void *data) {
  open_job_t *job = data;
  job->rec = recognizer_open(job->argc, job->argv, job->error, sizeof job->error);
}

static void open_complete(napi_env env, napi_status status, void *data) {
  open_job_t *job = data;
  if (job->rec != NULL) {
    handle_t *handle = calloc(1, sizeof *handle);
    napi_value external;
    handle->rec = job->rec;
    napi_create_external(env, handle, finalize_handle, NULL, &external);
    napi_resolve_deferred(env, job->deferred, external);
  } else {
    napi_reject_deferred(env, job->deferred, make_error(env, job->error));
  }
  for (int i = 0; i < job->argc; i++) free(job->argv[i]);
  free(job->argv);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value open_recognizer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1], promise, name;
  uint32_t length = 0;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 1 || napi_get_array_length(env, args[0], &length) != napi_ok)
    return throw_error(env, "open(args): args must be an array of strings");
  open_job_t *job = calloc(1, sizeof *job);
  job->argv = calloc(length, sizeof *job->argv);
  job->argc = (int)length;
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    size_t bytes = 0;
    napi_get_element(env, args[0], i, &item);
    if (napi_get_value_string_utf8(env, item, NULL, 0, &bytes) != napi_ok) {
      for (uint32_t j = 0; j < i; j++) free(job->argv[j]);
      free(job->argv);
      free(job);
      return throw_error(env, "open(args): args must be an array of strings");
    }
    job->argv[i] = malloc(bytes + 1);
    napi_get_value_string_utf8(env, item, job->argv[i], bytes + 1, &bytes);
  }
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "pocketsphinx.open", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, open_execute, open_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/* ---- decode ---- */

static void decode_execute(napi_env env, void *data) {
  decode_job_t *job = data;
  job->status = recognizer_decode(job->handle->rec, job->pcm, job->n_samples, &job->result, job->error,
                                  sizeof job->error);
}

static double ns_to_ms(uint64_t ns) {
  return (double)ns / 1e6;
}

static napi_value result_to_js(napi_env env, const recognizer_result_t *result) {
  napi_value object, words, times;
  napi_create_object(env, &object);
  set_string(env, object, "text", result->text);
  set_number(env, object, "score", result->score);
  set_number(env, object, "logPosterior", result->log_posterior);
  set_number(env, object, "frames", result->frames);
  napi_create_array_with_length(env, (size_t)result->n_words, &words);
  for (int i = 0; i < result->n_words; i++) {
    const recognizer_word_t *w = &result->words[i];
    napi_value word;
    napi_create_object(env, &word);
    set_string(env, word, "word", w->word);
    set_number(env, word, "startFrame", w->start_frame);
    set_number(env, word, "endFrame", w->end_frame);
    set_number(env, word, "logPosterior", w->log_posterior);
    set_number(env, word, "lmId", w->lm_id);
    napi_set_element(env, words, (uint32_t)i, word);
  }
  napi_set_named_property(env, object, "words", words);
  napi_create_object(env, &times);
  set_number(env, times, "frontendStart", ns_to_ms(result->times.frontend_start));
  set_number(env, times, "frontendEnd", ns_to_ms(result->times.frontend_end));
  set_number(env, times, "searchStart", ns_to_ms(result->times.search_start));
  set_number(env, times, "searchEnd", ns_to_ms(result->times.search_end));
  set_number(env, times, "postStart", ns_to_ms(result->times.post_start));
  set_number(env, times, "postEnd", ns_to_ms(result->times.post_end));
  napi_set_named_property(env, object, "hrtimeMs", times);
  return object;
}

static void decode_complete(napi_env env, napi_status status, void *data) {
  decode_job_t *job = data;
  handle_t *handle = job->handle;
  if (status == napi_ok && job->status == 0)
    napi_resolve_deferred(env, job->deferred, result_to_js(env, &job->result));
  else
    napi_reject_deferred(env, job->deferred, make_error(env, status == napi_ok ? job->error : "decode cancelled"));
  recognizer_result_free(&job->result);
  handle->busy = 0;
  if (handle->close_requested) {
    recognizer_close(handle->rec);
    handle->rec = NULL;
  }
  free(job->pcm);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value decode(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2], promise, name;
  napi_typedarray_type type;
  size_t length = 0;
  void *samples = NULL;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  handle_t *handle = argc == 2 ? get_handle(env, args[0]) : NULL;
  if (handle == NULL) return throw_error(env, "decode(handle, pcm): not a recogniser handle");
  if (handle->rec == NULL || handle->close_requested) return throw_error(env, "decode: recogniser is closed");
  if (handle->busy) return throw_error(env, "decode: recogniser is busy with another request");
  if (napi_get_typedarray_info(env, args[1], &type, &length, &samples, NULL, NULL) != napi_ok ||
      type != napi_float32_array)
    return throw_error(env, "decode(handle, pcm): pcm must be a Float32Array");
  decode_job_t *job = calloc(1, sizeof *job);
  /* A private copy (about 2 MB per 30 s): the caller may transfer or detach its buffer while a
   * threadpool thread is still reading. */
  float *copy = malloc(length > 0 ? length * sizeof(float) : 1);
  if (job == NULL || copy == NULL) {
    free(job);
    free(copy);
    return throw_error(env, "decode: out of memory");
  }
  if (length > 0) memcpy(copy, samples, length * sizeof(float));
  job->pcm = copy;
  job->handle = handle;
  job->n_samples = length;
  handle->busy = 1;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "pocketsphinx.decode", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, decode_execute, decode_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

/* ---- close ---- */

static napi_value close_recognizer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1], undefined;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  handle_t *handle = argc == 1 ? get_handle(env, args[0]) : NULL;
  if (handle == NULL) return throw_error(env, "close(handle): not a recogniser handle");
  if (handle->busy) {
    handle->close_requested = 1;
  } else {
    recognizer_close(handle->rec);
    handle->rec = NULL;
  }
  napi_get_undefined(env, &undefined);
  return undefined;
}

NAPI_MODULE_INIT() {
  recognizer_quiet_logging();
  napi_property_descriptor functions[] = {
      {"open", NULL, open_recognizer, NULL, NULL, NULL, napi_default, NULL},
      {"decode", NULL, decode, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_recognizer, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
