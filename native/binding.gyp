{
  "targets": [
    {
      "target_name": "pocketsphinx",
      "sources": ["src/addon.c", "src/recognizer.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter",
                   "<!@(pkg-config --cflags pocketsphinx sphinxbase)"],
      "libraries": ["<!@(pkg-config --libs pocketsphinx sphinxbase)"]
    }
  ]
}
