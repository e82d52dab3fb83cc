{
  "targets": [
    {
      "target_name": "hexlog_native",
      "sources": [
        "src/core/byte_diff.cc",
        "src/core/byte_map.cc",
        "src/core/byte_search.cc",
        "src/core/class_run.cc",
        "src/core/fault_guard.cc",
        "src/core/line_filter.cc",
        "src/core/line_index.cc",
        "src/core/literal_set.cc",
        "src/core/mapped_file.cc",
        "src/core/newline_scan.cc",
        "src/core/pattern_scan.cc",
        "src/core/regex_search.cc",
        "src/core/rule_set.cc",
        "src/core/status.cc",
        "src/core/strings_scan.cc",
        "src/core/time_parse.cc",
        "src/core/timeline.cc",
        "src/napi/addon.cc",
        "src/napi/byte_diff_wrap.cc",
        "src/napi/byte_map_wrap.cc",
        "src/napi/byte_search_wrap.cc",
        "src/napi/errors.cc",
        "src/napi/line_filter_wrap.cc",
        "src/napi/line_index_wrap.cc",
        "src/napi/mapped_file_wrap.cc",
        "src/napi/regex_search_wrap.cc",
        "src/napi/rule_args.cc",
        "src/napi/time_wrap.cc",
        "src/napi/timeline_wrap.cc"
      ],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")",
        "src",
        "<!@(node pcre2-probe.mjs include_dirs)"
      ],
      "library_dirs": ["<!@(node pcre2-probe.mjs library_dirs)"],
      "libraries": ["<!@(node pcre2-probe.mjs libraries)"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED",
        "<!@(node pcre2-probe.mjs defines)"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-fexceptions"],
      "conditions": [
        ["OS!='win'", {
          "sources": ["src/core/platform_posix.cc"]
        }],
        ["OS=='win'", {
          "sources": ["src/core/platform_win.cc"],
          "defines": ["NOMINMAX", "WIN32_LEAN_AND_MEAN", "_CRT_SECURE_NO_WARNINGS"],
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/utf-8"] } }
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "WARNING_CFLAGS": ["-Wall", "-Wextra"],
            "MACOSX_DEPLOYMENT_TARGET": "13.0"
          }
        }],
        ["OS=='win'", {
          "msvs_settings": {
            "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
          }
        }]
      ]
    }
  ]
}
