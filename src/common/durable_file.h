// Files that must survive a crash once written: an upload before its task id is answered, a
// result before its task is marked done.
#pragma once

#include <filesystem>
#include <string_view>

namespace ocrserve {

// Writes (creating or truncating, mode 0600) and fsyncs. False on any failure.
bool write_file_durably(const std::filesystem::path& path, std::string_view bytes);
// Makes a folder's new entries durable. False on any failure.
bool sync_directory(const std::filesystem::path& dir);

}  // namespace ocrserve
