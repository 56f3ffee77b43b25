# Gathers ONNX Runtime into one library folder, build/ort/lib, because ONNX Runtime loads its
# provider libraries (providers_shared, providers_cuda) from the folder of libonnxruntime.so, and
# the CPU and CUDA npm packages unpack to different folders. Defines onnxruntime::onnxruntime.
set(_ort_npm_cpu "${ONNXRUNTIME_ROOT}/com.github.asus4.onnxruntime")
set(_ort_npm_gpu "${ONNXRUNTIME_ROOT}/com.github.asus4.onnxruntime.linux-x64-gpu")
if(EXISTS "${_ort_npm_cpu}/Plugins/Linux/x64/libonnxruntime.so")
  set(_ort_lib_dirs "${_ort_npm_cpu}/Plugins/Linux/x64" "${_ort_npm_gpu}/Plugins/Linux/x64")
  set(_ort_include_dir
      "${_ort_npm_cpu}/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers")
elseif(EXISTS "${ONNXRUNTIME_ROOT}/lib/libonnxruntime.so")
  set(_ort_lib_dirs "${ONNXRUNTIME_ROOT}/lib")
  set(_ort_include_dir "${ONNXRUNTIME_ROOT}/include")
else()
  message(FATAL_ERROR "ONNX Runtime not found under ${ONNXRUNTIME_ROOT}: run scripts/bootstrap "
                      "(npm ci) or pass -DONNXRUNTIME_ROOT=<official release folder>")
endif()

set(OCRSERVE_ORT_LIB_DIR "${PROJECT_BINARY_DIR}/ort/lib")
file(MAKE_DIRECTORY "${OCRSERVE_ORT_LIB_DIR}")
foreach(dir IN LISTS _ort_lib_dirs)
  file(GLOB _libs "${dir}/libonnxruntime*.so")
  foreach(lib IN LISTS _libs)
    get_filename_component(name "${lib}" NAME)
    if(name MATCHES "providers_cuda")
      file(CREATE_LINK "${lib}" "${OCRSERVE_ORT_LIB_DIR}/${name}" SYMBOLIC)
    else()
      file(COPY_FILE "${lib}" "${OCRSERVE_ORT_LIB_DIR}/${name}" ONLY_IF_DIFFERENT)
    endif()
  endforeach()
endforeach()
# The library's SONAME is libonnxruntime.so.1.
if(NOT EXISTS "${OCRSERVE_ORT_LIB_DIR}/libonnxruntime.so.1")
  file(CREATE_LINK "libonnxruntime.so" "${OCRSERVE_ORT_LIB_DIR}/libonnxruntime.so.1" SYMBOLIC)
endif()

add_library(onnxruntime::onnxruntime SHARED IMPORTED GLOBAL)
set_target_properties(onnxruntime::onnxruntime PROPERTIES
  IMPORTED_LOCATION "${OCRSERVE_ORT_LIB_DIR}/libonnxruntime.so.1"
  IMPORTED_SONAME "libonnxruntime.so.1"
  INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${_ort_include_dir}"
  INTERFACE_INCLUDE_DIRECTORIES "${_ort_include_dir}")
