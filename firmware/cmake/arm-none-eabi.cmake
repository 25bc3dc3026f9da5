# Cross toolchain for bare-metal Cortex-M with Debian's gcc-arm-none-eabi.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(ARM_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the cross tools")
if(DEFINED ENV{ARM_TOOLCHAIN_DIR})
  set(_dir "$ENV{ARM_TOOLCHAIN_DIR}/")
else()
  set(_dir "")
endif()

set(CMAKE_C_COMPILER   "${_dir}${ARM_TOOLCHAIN_PREFIX}gcc")
set(CMAKE_CXX_COMPILER "${_dir}${ARM_TOOLCHAIN_PREFIX}g++")
set(CMAKE_ASM_COMPILER "${_dir}${ARM_TOOLCHAIN_PREFIX}gcc")
set(CMAKE_OBJCOPY      "${_dir}${ARM_TOOLCHAIN_PREFIX}objcopy")
set(CMAKE_SIZE         "${_dir}${ARM_TOOLCHAIN_PREFIX}size")

# The compiler cannot link a test program without a linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
