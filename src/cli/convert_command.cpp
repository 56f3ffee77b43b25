#include "cli/convert_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/conversion_flags.h"
#include "cli/engine_flags.h"
#include "cli/file_reader.h"
#include "cli/progress.h"
#include "conversion/converter.h"
#include "document/export.h"

namespace ocrserve::cli {

namespace {

struct ConvertFlags {
  std::vector<std::string> files;
  std::string output_dir;
  ConversionFlags conversion;
  EngineFlags engine;
};

int run_convert(ConvertFlags& f) {
  if (auto ok = finish_engine_flags(f.engine); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  if (auto ok = finish_conversion_flags(f.conversion); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  const conversion::ConversionRequest& request = f.conversion.request;
  std::vector<conversion::Format> formats;
  for (const auto& name : request.to_formats) {
    auto format = conversion::parse_format(name);
    if (!format) {
      std::cerr << "ocrserve: " << format.error().message << "\n";
      return 2;
    }
    formats.push_back(*format);
  }
  const bool to_stdout = f.output_dir.empty() && f.files.size() == 1 && formats.size() == 1;
  const std::filesystem::path out_dir = f.output_dir.empty() ? "." : f.output_dir;
  if (!to_stdout) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      std::cerr << "ocrserve: cannot create " << out_dir << ": " << ec.message() << "\n";
      return 2;
    }
  }
  auto models = ocr::ModelBundle::load(ocr::ModelPaths::in_dir(f.engine.models_dir));
  if (!models) {
    std::cerr << "ocrserve: " << models.error().message << "\n";
    return 2;
  }
  conversion::Converter converter(*models, f.engine.options);

  int failures = 0;
  bool announced = false;
  Progress progress(f.files.size());
  for (size_t i = 0; i < f.files.size(); ++i) {
    const std::string& path = f.files[i];
    progress.update(i, path);
    auto bytes = read_input_file(path);
    if (!bytes) {
      std::cerr << "ocrserve: " << path << ": " << bytes.error().message << "\n";
      ++failures;
      continue;
    }
    auto doc = converter.convert(*bytes, std::filesystem::path(path).filename().string(), request);
    if (!doc) {
      std::cerr << "ocrserve: " << path << ": " << doc.error().message << "\n";
      ++failures;
      // An engine that cannot start fails every file the same way.
      if (converter.engine_failed()) break;
      continue;
    }
    if (!announced && converter.engine_created()) {
      auto engine = converter.engine();
      std::cerr << "ocrserve: OCR on " << ocr::device_name((*engine)->device());
      if (!(*engine)->fallback_reason().empty())
        std::cerr << " (" << (*engine)->fallback_reason() << ")";
      std::cerr << "\n";
      announced = true;
    }
    if (!to_stdout) {
      for (const auto& artifact : document::picture_artifacts(doc->pages, doc->export_options)) {
        const auto target = out_dir / artifact.path;
        std::error_code ec;
        std::filesystem::create_directories(target.parent_path(), ec);
        std::ofstream out(target, std::ios::binary);
        out << artifact.bytes;
        if (!out) {
          std::cerr << "ocrserve: cannot write " << target << "\n";
          ++failures;
        }
      }
    }
    for (auto format : formats) {
      const std::string text = converter.render(*doc, format);
      if (to_stdout) {
        std::cout << text;
        continue;
      }
      const auto target = out_dir / (std::filesystem::path(path).stem().string() + "." +
                                     conversion::format_extension(format));
      std::ofstream out(target, std::ios::binary);
      out << text;
      if (!out) {
        std::cerr << "ocrserve: cannot write " << target << "\n";
        ++failures;
      }
    }
  }
  progress.update(f.files.size(), "");
  return failures == 0 ? 0 : 1;
}

}  // namespace

std::function<int()> add_convert_command(CLI::App& app) {
  auto flags = std::make_shared<ConvertFlags>();
  auto* cmd =
      app.add_subcommand("convert", "Convert PDFs and images to Markdown, JSON, HTML, text");
  cmd->add_option("files", flags->files, "input files (PDF, PNG, JPEG, TIFF, WebP, BMP, GIF, PNM)")
      ->required();
  cmd->add_option("-o,--output", flags->output_dir,
                  "folder for <name>.<format> files (default: stdout for one file and format)");
  add_conversion_flags(*cmd, flags->conversion);
  add_engine_flags(*cmd, flags->engine);
  return [flags] { return run_convert(*flags); };
}

}  // namespace ocrserve::cli
