// ocrserve: the command line. Exceptions stop here.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/bench_command.h"
#include "cli/convert_command.h"

#ifndef OCRSERVE_VERSION
#define OCRSERVE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  CLI::App app{"ocrserve: document conversion with PP-OCRv4 OCR"};
  app.set_version_flag("--version", OCRSERVE_VERSION);
  app.require_subcommand(1);
  auto convert = ocrserve::cli::add_convert_command(app);
  auto bench = ocrserve::cli::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (app.got_subcommand("convert")) return convert();
    if (app.got_subcommand("bench")) return bench();
  } catch (const std::exception& e) {
    std::cerr << "ocrserve: internal error: " << e.what() << "\n";
    return 70;
  }
  return 2;
}
