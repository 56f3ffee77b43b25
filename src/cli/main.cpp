// ocrserve: the command line. This executable never loads ONNX Runtime: conversions run in
// ocrserve-worker processes (bench and convert --in-process replace this process with one).
// Exceptions stop here.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <exception>
#include <iostream>

#include "cli/cluster_commands.h"
#include "cli/serve_command.h"
#include "cli/supervised_convert.h"
#include "cli/worker_binary.h"

#ifndef OCRSERVE_VERSION
#define OCRSERVE_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "bench") == 0) {
    return ocrserve::cli::exec_worker("bench", argc, argv, 2);
  }
  if (argc >= 2 && std::strcmp(argv[1], "convert") == 0) {
    for (int i = 2; i < argc; ++i) {
      if (std::strcmp(argv[i], "--in-process") == 0) {
        return ocrserve::cli::exec_worker("convert", argc, argv, 2, "--in-process");
      }
    }
  }
  // Logs go to stderr: stdout carries converted documents.
  spdlog::set_default_logger(spdlog::stderr_color_mt("ocrserve"));
  CLI::App app{"ocrserve: document conversion with PP-OCRv4 OCR in supervised worker processes"};
  app.set_version_flag("--version", OCRSERVE_VERSION);
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log worker starts, exits and releases");
  auto convert = ocrserve::cli::add_supervised_convert_command(app);
  auto serve = ocrserve::cli::add_serve_command(app);
  auto node = ocrserve::cli::add_node_command(app);
  app.add_subcommand("bench", "Time the conversion stages on files (see ocrserve bench --help)")
      ->allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (app.got_subcommand("convert")) {
      if (!verbose) spdlog::set_level(spdlog::level::warn);
      return convert();
    }
    if (app.got_subcommand("serve")) return serve();
    if (app.got_subcommand("node")) return node();
  } catch (const std::exception& e) {
    std::cerr << "ocrserve: internal error: " << e.what() << "\n";
    return 70;
  }
  return 2;
}
