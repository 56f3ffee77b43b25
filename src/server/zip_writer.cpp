#include "server/zip_writer.h"

#include <zip.h>

#include <memory>
#include <stdexcept>

namespace ocrserve::server {

namespace {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

[[noreturn]] void fail(const std::string& what, zip_error_t* error) {
  const std::string message = what + ": " + zip_error_strerror(error);
  zip_error_fini(error);
  throw std::runtime_error("cannot build the zip answer: " + message);
}

}  // namespace

std::string ZipWriter::add(const std::string& name, std::string_view content) {
  std::string unique = name;
  for (int n = 2; !names_.insert(unique).second; ++n) unique = std::to_string(n) + "-" + name;
  entries_.push_back({unique, std::string(content)});
  return unique;
}

std::string ZipWriter::finish() {
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) fail("buffer", &error);
  std::unique_ptr<zip_t, ArchiveCloser> archive(
      zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
  if (!archive) fail("open", &error);
  zip_source_keep(buffer.get());  // the archive's close must leave the bytes to read back
  for (const auto& e : entries_) {
    zip_source_t* data = zip_source_buffer(archive.get(), e.content.data(), e.content.size(), 0);
    if (!data) fail("entry " + e.name, zip_get_error(archive.get()));
    if (zip_file_add(archive.get(), e.name.c_str(), data, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(data);
      fail("entry " + e.name, zip_get_error(archive.get()));
    }
  }
  if (zip_close(archive.get()) != 0) fail("close", zip_get_error(archive.get()));
  archive.release();  // closed: zip_close freed it
  zip_source_t* src = buffer.get();
  if (zip_source_open(src) != 0) fail("read back", zip_source_error(src));
  zip_source_seek(src, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::string out(size_t(size > 0 ? size : 0), '\0');
  const zip_int64_t read = zip_source_read(src, out.data(), zip_uint64_t(out.size()));
  zip_source_close(src);
  if (read != size) fail("read back", zip_source_error(src));
  entries_.clear();
  return out;
}

}  // namespace ocrserve::server
