// Which declarations of asycamore's public headers a shared library exports.
//
// Every layer is compiled with hidden symbols (-fvisibility=hidden, and
// nothing exported from a DLL by default); its public API carries its own
// macro: ASYCAMORE_CORE_API, ASYCAMORE_BACKENDS_API, ASYCAMORE_TCPSOCKET_API,
// ASYCAMORE_HTTP_API. A layer's build defines ASYCAMORE_BUILDING_<LAYER>
// (cmake/AsycamoreLayers.cmake), so its macro exports there and imports in
// every other layer and in the user's code.
//
// On ELF and Mach-O the macros give default visibility in every build. On
// Windows they are dllexport/dllimport for a DLL build and empty for static
// libraries, which the build says by defining ASYCAMORE_STATIC for the
// library and its users (the exported targets carry it; a hand-written
// build against static libraries defines it itself).
#ifndef ASYCAMORE_EXPORT_H_
#define ASYCAMORE_EXPORT_H_

#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(ASYCAMORE_STATIC)
#define ASYCAMORE_DLL_EXPORT
#define ASYCAMORE_DLL_IMPORT
#else
#define ASYCAMORE_DLL_EXPORT __declspec(dllexport)
#define ASYCAMORE_DLL_IMPORT __declspec(dllimport)
#endif
#else
#define ASYCAMORE_DLL_EXPORT __attribute__((visibility("default")))
#define ASYCAMORE_DLL_IMPORT __attribute__((visibility("default")))
#endif

#if defined(ASYCAMORE_BUILDING_CORE)
#define ASYCAMORE_CORE_API ASYCAMORE_DLL_EXPORT
#else
#define ASYCAMORE_CORE_API ASYCAMORE_DLL_IMPORT
#endif

#if defined(ASYCAMORE_BUILDING_BACKENDS)
#define ASYCAMORE_BACKENDS_API ASYCAMORE_DLL_EXPORT
#else
#define ASYCAMORE_BACKENDS_API ASYCAMORE_DLL_IMPORT
#endif

#if defined(ASYCAMORE_BUILDING_TCPSOCKET)
#define ASYCAMORE_TCPSOCKET_API ASYCAMORE_DLL_EXPORT
#else
#define ASYCAMORE_TCPSOCKET_API ASYCAMORE_DLL_IMPORT
#endif

#if defined(ASYCAMORE_BUILDING_HTTP)
#define ASYCAMORE_HTTP_API ASYCAMORE_DLL_EXPORT
#else
#define ASYCAMORE_HTTP_API ASYCAMORE_DLL_IMPORT
#endif

#endif  // ASYCAMORE_EXPORT_H_
