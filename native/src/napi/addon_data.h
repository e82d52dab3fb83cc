// Per-environment state (each worker thread or Electron context loads its own copy).
#ifndef HEXLOG_NAPI_ADDON_DATA_H_
#define HEXLOG_NAPI_ADDON_DATA_H_

#include <napi.h>

namespace hexlog::napi {

struct AddonData {
  Napi::FunctionReference mapped_file_constructor;
  Napi::FunctionReference line_index_constructor;
  Napi::FunctionReference byte_search_constructor;
  Napi::FunctionReference regex_search_constructor;
  Napi::FunctionReference line_filter_constructor;
  Napi::FunctionReference timeline_constructor;
  Napi::FunctionReference byte_diff_constructor;
};

}  // namespace hexlog::napi

#endif  // HEXLOG_NAPI_ADDON_DATA_H_
