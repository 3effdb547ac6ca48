// Streaming a file as a response body: prefix, a byte range read piece by piece (optionally
// transformed), suffix; a file cut short is an error, not a silently short body.
#include "server/http/file_body.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace daring::server;
namespace fs = std::filesystem;

namespace {

class FileBody : public ::testing::Test {
  protected:
    void SetUp() override {
        path = fs::temp_directory_path() /
               ("daring-file-body-" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::ofstream(path, std::ios::binary) << "0123456789abcdefghij";
    }
    void TearDown() override { fs::remove(path); }
    static std::vector<std::string> drain(body_source& s) {
        std::vector<std::string> pieces;
        while (auto p = s.next()) pieces.push_back(*p);
        return pieces;
    }
    fs::path path;
};

}  // namespace

TEST_F(FileBody, ARangeInPiecesBetweenPrefixAndSuffix) {
    file_body_source s(path, 3, 10, "<", ">", nullptr, 4);
    EXPECT_EQ(drain(s), (std::vector<std::string>{"<", "3456", "789a", "bc", ">"}));
}

TEST_F(FileBody, EachPieceIsTransformed) {
    file_body_source s(
        path, 0, 6, {}, {}, [](std::string_view p) { return "[" + std::string(p) + "]"; }, 3);
    EXPECT_EQ(drain(s), (std::vector<std::string>{"[012]", "[345]"}));
}

TEST_F(FileBody, AFileShorterThanPromisedThrows) {
    file_body_source s(path, 15, 10, {}, {}, nullptr, 64);
    EXPECT_THROW(s.next(), std::runtime_error);
}

TEST_F(FileBody, AMissingFileThrowsAtOnce) {
    EXPECT_THROW(file_body_source(path.string() + ".missing", 0, 1), std::runtime_error);
}

TEST_F(FileBody, TheOpenFileOutlivesItsRemoval) {
    file_body_source s(path, 0, 20);
    fs::remove(path);
    EXPECT_EQ(drain(s), (std::vector<std::string>{"0123456789abcdefghij"}));
}
