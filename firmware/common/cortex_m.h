// The few architectural registers the firmware touches (no vendor headers needed).
#ifndef CORTEX_M_H
#define CORTEX_M_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(addr))

#define SCB_CPACR REG32(0xE000ED88u)
#define SCB_CFSR  REG32(0xE000ED28u)
#define SCB_HFSR  REG32(0xE000ED2Cu)
#define SCB_MMFAR REG32(0xE000ED34u)
#define SCB_BFAR  REG32(0xE000ED38u)
#define SCB_SHCSR REG32(0xE000ED24u)
#define DEMCR     REG32(0xE000EDFCu)
#define DWT_CTRL  REG32(0xE0001000u)
#define DWT_CYCCNT REG32(0xE0001004u)

#if defined(__ARM_ARCH_6M__) || defined(HARNESS_HOST)
#define HAS_FAULT_STATUS_REGISTERS 0
#define HAS_DWT_CYCCNT 0
#else
#define HAS_FAULT_STATUS_REGISTERS 1
#define HAS_DWT_CYCCNT 1
#endif

#endif
