// Counting the program's allocations: counting_new.cc replaces the global
// operator new (link it into a test program of its own), and an
// AllocationCounter reads how many happened since it was made, on every
// thread.
#ifndef ASYCAMORE_TESTS_HTTP_COUNTING_NEW_H_
#define ASYCAMORE_TESTS_HTTP_COUNTING_NEW_H_

namespace asycamore::testing {

// Allocations made so far by the program.
long AllocationsSoFar();

class AllocationCounter {
 public:
  AllocationCounter() : start_(AllocationsSoFar()) {}
  long Count() const { return AllocationsSoFar() - start_; }

 private:
  long start_;
};

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_HTTP_COUNTING_NEW_H_
