# ocrserve: `make serve` and `make test` set up everything (apt packages, pinned npm packages,
# build) and skip what is already there.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60
# 0 skips the ASan+UBSan and TSan runs that `make test` does after the normal tests.
SANITIZER_TESTS ?= 1

.PHONY: all setup build serve test bench fuzz format clean

all: build

setup:
	@scripts/bootstrap

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: setup $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)

serve: build
	@scripts/serve

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900
ifneq ($(SANITIZER_TESTS),0)
	@JOBS=$(JOBS) MAIN_BUILD_DIR=$(BUILD_DIR) scripts/sanitizer-tests
endif

# libFuzzer targets in build-fuzz/ (clang), FUZZ_SECONDS each; crashers kept in build-fuzz/crashes/.
fuzz: setup
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(JOBS) scripts/fuzz

bench: build
	bench/ocr-vs-tesseract

format:
	@clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h')

clean:
	rm -rf $(BUILD_DIR) build-fuzz build-asan build-tsan
