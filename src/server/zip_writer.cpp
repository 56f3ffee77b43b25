#include "server/zip_writer.h"

#include <zlib.h>

namespace ocrserve::server {

namespace {

void put16(std::string& s, unsigned v) {
  s += char(v & 0xff);
  s += char((v >> 8) & 0xff);
}
void put32(std::string& s, unsigned long v) {
  put16(s, unsigned(v & 0xffff));
  put16(s, unsigned((v >> 16) & 0xffff));
}

// Raw deflate; empty when it does not shrink the data.
std::string deflate_raw(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, uLong(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = uInt(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END || out.size() >= in.size()) return {};
  return out;
}

constexpr unsigned kDosTime = 0;                         // 00:00:00
constexpr unsigned kDosDate = (45 << 9) | (1 << 5) | 1;  // 2025-01-01

}  // namespace

void ZipWriter::add(const std::string& name, std::string_view content) {
  Entry e;
  e.name = name;
  e.crc = crc32(0L, reinterpret_cast<const Bytef*>(content.data()), uInt(content.size()));
  e.size = content.size();
  e.offset = out_.size();
  const std::string packed = deflate_raw(content);
  e.method = packed.empty() ? 0 : 8;
  e.compressed = packed.empty() ? content.size() : packed.size();
  put32(out_, 0x04034b50);
  put16(out_, 20);
  put16(out_, 0x0800);  // UTF-8 names
  put16(out_, e.method);
  put16(out_, kDosTime);
  put16(out_, kDosDate);
  put32(out_, e.crc);
  put32(out_, e.compressed);
  put32(out_, e.size);
  put16(out_, unsigned(name.size()));
  put16(out_, 0);
  out_ += name;
  if (packed.empty()) {
    out_.append(content.data(), content.size());
  } else {
    out_ += packed;
  }
  entries_.push_back(std::move(e));
}

std::string ZipWriter::finish() {
  const size_t directory_at = out_.size();
  for (const auto& e : entries_) {
    put32(out_, 0x02014b50);
    put16(out_, 20);
    put16(out_, 20);
    put16(out_, 0x0800);
    put16(out_, e.method);
    put16(out_, kDosTime);
    put16(out_, kDosDate);
    put32(out_, e.crc);
    put32(out_, e.compressed);
    put32(out_, e.size);
    put16(out_, unsigned(e.name.size()));
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, 0);
    put32(out_, 0);
    put32(out_, e.offset);
    out_ += e.name;
  }
  const size_t directory_size = out_.size() - directory_at;
  put32(out_, 0x06054b50);
  put16(out_, 0);
  put16(out_, 0);
  put16(out_, unsigned(entries_.size()));
  put16(out_, unsigned(entries_.size()));
  put32(out_, directory_size);
  put32(out_, directory_at);
  put16(out_, 0);
  entries_.clear();
  return std::move(out_);
}

}  // namespace ocrserve::server
