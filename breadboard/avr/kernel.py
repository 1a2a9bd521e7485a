"""The ATmega328P CPU: one jitted entry point, ``run_slice``.

The loop keeps PC, SP, SREG and the cycle count in local variables and compares the cycle
count against one number per instruction, ``next_event``: the earliest of the slice's end, the
next peripheral event, and "now" whenever something happened that may let an interrupt in
(a flag or mask register written, SEI, RETI, SREG written). Everything rare lives behind that
one comparison.

Conventions:
- The fetch adds the instruction's cycles from the instruction table (``CYCLES``, read with
  the group in one load from ``DISPATCH``) before its handler runs, so side effects (pin changes, log entries) are stamped with the cycle at
  which the instruction completes; a handler adds only what the table cannot know (a taken
  branch, a skip). The handler is chosen by the table's group column (``GROUP``).
- Interrupt response (datasheet 7.7.1 / 11.1): 4 cycles push the PC and clear I, then the
  vector's first instruction runs; 4 more when the interrupt wakes the CPU from sleep. The
  interrupt log stamps entry with the cycle at which the vector's first instruction starts.
- After SEI or RETI one more instruction executes before a pending interrupt is served.
"""

from __future__ import annotations

import numpy as np

from .dispatch import (
    ADIW,
    BSET,
    C_,
    CALL,
    CARRY,
    COM,
    COMPARE,
    CPSE,
    DIRECT,
    DISPATCH,
    DISPLACED,
    FLASH_WORDS,
    FRACT,
    G_ADD,
    G_ADIW,
    G_BLD,
    G_BRBC,
    G_BRBS,
    G_BSET,
    G_BST,
    G_CALL,
    G_COM,
    G_IJMP,
    G_IN,
    G_INC,
    G_JMP,
    G_LDI,
    G_LDST,
    G_LOGIC,
    G_LPM,
    G_MOV,
    G_MOVW,
    G_MUL,
    G_NOP,
    G_OUT,
    G_POP,
    G_PUSH,
    G_RET,
    G_RJMP,
    G_SBI,
    G_SHIFT,
    G_SKIP,
    G_SLEEP,
    G_SPM,
    G_SUB,
    G_SWAP,
    G_WDR,
    H_,
    I_,
    IMM,
    INC,
    LOGIC,
    LPM,
    LPM_ZP,
    LSR,
    N_,
    OP_BREAK1,
    OP_WRAP,
    PC_MASK,
    PLAIN,
    POST_INC,
    PRE_DEC,
    PTR,
    PTR_MODE,
    RCALL,
    RETI,
    ROR,
    S_,
    SBI,
    SBIS,
    SBRC,
    SBRS,
    SIGNED_D,
    SIGNED_R,
    STORE,
    T_,
    V_,
    WORDS,
    Z_,
)
from .jit import entry
from .periph import (
    LOG_MARGIN,
    chip_reset,
    io_read,
    io_write,
    sleep_enter,
    update,
    wake,
)
from .regs import (
    CLEAR,
    EXIT_BREAK,
    EXIT_HALT,
    EXIT_LOG_FULL,
    EXIT_SPM,
    EXIT_TARGET,
    EXIT_WATCH,
    HALT_UNDEFINED,
    IRQ_ENTER,
    IRQ_RETURN,
    IRQ_STACK_DEPTH,
    RAMEND,
    S_CYCLE,
    S_HALT,
    S_HALT_PC,
    S_HALT_WORD,
    S_INHIBIT,
    S_INSTRUCTIONS,
    S_IOFF_SINCE,
    S_IRQ_DEPTH,
    S_IRQ_N,
    S_IRQ_STACK,
    S_LEVEL_REQ,
    S_LOST_N,
    S_PC,
    S_PERIPH_NEXT,
    S_PIN_N,
    S_RAISED_AT,
    S_RESET_REQ,
    S_RESETS,
    S_SLEEP_MODE,
    S_SLEEP_SINCE,
    S_SLEEPING,
    S_SPM_DIRTY,
    S_STALL,
    S_UART_N,
    S_VECTOR_BASE,
    S_WATCH_HI,
    S_WATCH_LO,
    SMCR,
    SPH,
    SPL,
    SPMCSR,
    SREG,
    VEC_FLAG_ADDR,
    VEC_FLAG_BIT,
    VEC_KIND,
    W1_ACTION,
)
from .slowpath import flush_lost, ioff_end, pending_vector, spm, watch_hit
from .sysctl import BOOT_START, wake_delay, wakes
from .wdt import wdt_kick


@entry
def run_slice(data, flash, op, opa, opb, st, pinlog, irqlog, uartlog, target):
    """Run until the cycle count reaches ``target`` (or a halt / full log / SPM).

    Returns one of the EXIT_* codes; the machine state is in ``data``, ``flash`` and ``st``.
    """
    pc = st[S_PC]
    cycle = st[S_CYCLE]
    sreg = np.int64(data[SREG])
    sp = np.int64(data[SPL]) | (np.int64(data[SPH]) << 8)
    pin_cap = pinlog.shape[0] - LOG_MARGIN
    irq_cap = irqlog.shape[0] - LOG_MARGIN
    uart_cap = uartlog.shape[0] - LOG_MARGIN
    next_event = np.int64(0)
    executed = np.int64(0)
    result = EXIT_TARGET
    # Watched data addresses lie in [w_lo, w_hi]; with none, w_hi = -1 and a store's check is
    # one comparison that always fails.
    w_lo = st[S_WATCH_LO]
    w_hi = st[S_WATCH_HI]
    while True:
        if cycle >= next_event:
            # ---- the slow path: stalls, resets, peripherals, logs, interrupts, sleep ----
            if pc >= FLASH_WORDS:
                pc -= FLASH_WORDS  # stepped over the end of flash: an interrupt pushes this
            if st[S_STALL]:
                cycle += st[S_STALL]  # EEPROM access: the CPU is halted a few cycles
                st[S_STALL] = 0
            if st[S_RESET_REQ]:
                chip_reset(data, st, cycle, pinlog, st[S_RESET_REQ])
                st[S_RESET_REQ] = 0
                st[S_RESETS] += 1
                st[S_IRQ_DEPTH] = 0
                pc = 0
                sreg = 0
                sp = RAMEND
                n = st[S_IRQ_N]
                irqlog[n, 0] = cycle
                irqlog[n, 1] = 0
                irqlog[n, 2] = IRQ_ENTER
                irqlog[n, 3] = -1
                st[S_IRQ_N] = n + 1
                st[S_IOFF_SINCE] = -1
            if cycle >= st[S_PERIPH_NEXT]:
                st[S_PERIPH_NEXT] = update(data, st, cycle, pinlog, uartlog)
                if st[S_RESET_REQ]:
                    continue  # a peripheral (the watchdog) reset the chip: at this cycle
            if st[S_LOST_N]:
                flush_lost(st, irqlog)
            if st[S_PIN_N] >= pin_cap or st[S_IRQ_N] >= irq_cap or st[S_UART_N] >= uart_cap:
                result = EXIT_LOG_FULL
                break
            if cycle >= target:
                break
            recheck = False
            if sreg & I_:
                vec = pending_vector(data, st)
                if vec != 0:
                    if st[S_SLEEPING]:
                        mode = st[S_SLEEP_MODE]
                        if wakes(mode, vec):
                            # Wake-up: oscillator start-up, then 4 more cycles (7.7.1).
                            st[S_SLEEPING] = 0
                            cycle += wake_delay(mode)
                            wake(data, st, cycle)
                            cycle += 4
                        else:
                            vec = 0
                    elif cycle == st[S_INHIBIT]:
                        recheck = True  # SEI/RETI: one more instruction first
                        vec = 0
                if vec != 0:
                    i = vec - 1
                    if VEC_KIND[i] == CLEAR:
                        fa = VEC_FLAG_ADDR[i]
                        data[fa] = np.int64(data[fa]) & ~(np.int64(1) << VEC_FLAG_BIT[i])
                    data[sp] = pc & 0xFF
                    data[(sp - 1) & 0xFFFF] = (pc >> 8) & 0xFF
                    sp = (sp - 2) & 0xFFFF
                    sreg &= ~I_
                    pc = st[S_VECTOR_BASE] + vec * 2
                    cycle += 4
                    n = st[S_IRQ_N]
                    irqlog[n, 0] = cycle
                    irqlog[n, 1] = vec
                    irqlog[n, 2] = IRQ_ENTER
                    irqlog[n, 3] = st[S_RAISED_AT + vec]
                    st[S_IRQ_N] = n + 1
                    depth = st[S_IRQ_DEPTH]
                    if depth < IRQ_STACK_DEPTH:
                        st[S_IRQ_STACK + depth] = vec
                    st[S_IRQ_DEPTH] = depth + 1
            if st[S_SLEEPING]:
                # Nothing happens until the next peripheral event (or the slice's end).
                wake_at = st[S_PERIPH_NEXT]
                if wake_at > target:
                    wake_at = target
                if wake_at > cycle:
                    cycle = wake_at
                next_event = cycle
                continue
            next_event = st[S_PERIPH_NEXT]
            if target < next_event:
                next_event = target
            if recheck:
                next_event = cycle + 1

        # ---- fetch and execute ----
        executed += 1
        o = op[pc]
        a = np.int64(opa[pc])
        b = np.int64(opb[pc])
        entry_ = DISPATCH[o]  # one load: the handler group and the table's cycles
        cycle += entry_ >> 8  # handlers add only a taken branch's or a skip's extra cycles
        g = entry_ & 0xFF
        if g == G_LDI:  # 1110 KKKK dddd KKKK
            data[a] = b
            pc += 1
        elif g == G_MOV:  # 0010 11rd dddd rrrr
            data[a] = data[b]
            pc += 1
        elif g == G_BRBC:  # 1111 01kk kkkk ksss
            if (sreg >> b) & 1 == 0:
                cycle += 1  # taken: one more than the table's
                pc = a
            else:
                pc += 1
        elif g == G_BRBS:  # 1111 00kk kkkk ksss
            if (sreg >> b) & 1:
                cycle += 1  # taken: one more than the table's
                pc = a
            else:
                pc += 1
        elif g == G_ADD:  # 0000 11rd dddd rrrr / 0001 11rd dddd rrrr
            d = np.int64(data[a])
            r = np.int64(data[b])
            c = sreg & C_ if CARRY[o] else 0
            res = d + r + c
            h = ((d & 0xF) + (r & 0xF) + c) & 0x10
            v = (d ^ res) & (r ^ res) & 0x80
            res8 = res & 0xFF
            sreg &= 0xC0
            if res > 0xFF:
                sreg |= C_
            if res8 == 0:
                sreg |= Z_
            if res8 & 0x80:
                sreg |= N_
            if v:
                sreg |= V_
            if ((res8 >> 7) ^ (v >> 7)) & 1:
                sreg |= S_
            if h:
                sreg |= H_
            data[a] = res8
            pc += 1
        elif g == G_SUB:
            # SUB 0001 10rd, SUBI 0101 KKKK, CP 0001 01rd, CPI 0011 KKKK,
            # SBC 0000 10rd, SBCI 0100 KKKK, CPC 0000 01rd
            d = np.int64(data[a])
            r = b if IMM[o] else np.int64(data[b])
            carry = CARRY[o]
            c = sreg & C_ if carry else 0
            res = d - r - c
            res8 = res & 0xFF
            h = ((d & 0xF) - (r & 0xF) - c) < 0
            v = (d ^ r) & (d ^ res8) & 0x80
            old_z = sreg & Z_
            sreg &= 0xC0
            if res < 0:
                sreg |= C_
            if res8 == 0:
                if carry:
                    sreg |= old_z  # Z is only ever cleared by the with-carry forms
                else:
                    sreg |= Z_
            if res8 & 0x80:
                sreg |= N_
            if v:
                sreg |= V_
            if ((res8 >> 7) ^ (v >> 7)) & 1:
                sreg |= S_
            if h:
                sreg |= H_
            if not COMPARE[o]:
                data[a] = res8
            pc += 1
        elif g == G_LOGIC:
            # AND 0010 00rd, ANDI 0111 KKKK, OR 0010 10rd, ORI 0110 KKKK, EOR 0010 01rd
            d = np.int64(data[a])
            r = b if IMM[o] else np.int64(data[b])
            kind = LOGIC[o]
            if kind == 0:
                res8 = d & r
            elif kind == 2:
                res8 = d ^ r
            else:
                res8 = d | r
            sreg &= 0xE1  # V cleared; N, S, Z recomputed
            if res8 == 0:
                sreg |= Z_
            if res8 & 0x80:
                sreg |= N_ | S_
            data[a] = res8
            pc += 1
        elif g == G_RJMP:  # 1100 kkkk kkkk kkkk
            pc = a
        elif g == G_LDST:
            # LD Rd,X 1001 000d dddd 1100 (X+ 1101, -X 1110); Y+ 1001, -Y 1010; Z+ 0001,
            # -Z 0010; LDD 10q0 qq0d dddd yqqq; LDS 1001 000d dddd 0000 + k16;
            # ST Rr: 1001 001r ... with the same low bits; STD 10q0 qq1r rrrr yqqq; STS.
            # One handler for both, so the pointer addressing is written once and inline (as
            # an @inner helper it stayed a real call per LD/ST: numba does not inline between
            # jitted functions, checked in run_slice's assembly).
            value = np.int64(data[a])  # a store's source, read before the pointer moves
            mode = PTR_MODE[o]
            if mode == DIRECT:
                addr = b
            else:
                p = PTR[o]
                ptr = np.int64(data[p]) | (np.int64(data[p + 1]) << 8)
                if mode == DISPLACED:
                    addr = (ptr + b) & 0xFFFF
                else:
                    if mode == PRE_DEC:
                        ptr = (ptr - 1) & 0xFFFF
                    addr = ptr
                    if mode == POST_INC:
                        ptr = (ptr + 1) & 0xFFFF
                    if mode != PLAIN:
                        data[p] = ptr & 0xFF
                        data[p + 1] = ptr >> 8
            if not STORE[o]:
                if addr >= 0x100:
                    data[a] = data[addr]  # SRAM: the common case, no call
                else:
                    data[a] = io_read(data, st, addr, cycle, sreg, sp)
            elif addr >= 0x100:
                if addr <= w_hi and addr >= w_lo:
                    old = np.int64(data[addr])
                    data[addr] = value
                    if watch_hit(st, addr, old, value, pc):
                        pc += WORDS[o]
                        result = EXIT_WATCH
                        break
                else:
                    data[addr] = value
            else:
                old = np.int64(data[addr])
                i_was = sreg & I_
                sreg, sp, check = io_write(data, st, addr, value, cycle, sreg, sp, pinlog, uartlog)
                if check:
                    next_event = 0
                if i_was != sreg & I_:
                    if i_was:
                        st[S_IOFF_SINCE] = cycle
                    elif st[S_IOFF_SINCE] >= 0:
                        ioff_end(st, irqlog, cycle)
                if addr <= w_hi and addr >= w_lo and watch_hit(st, addr, old, value, pc):
                    pc += WORDS[o]
                    result = EXIT_WATCH
                    break
            pc += WORDS[o]
        elif g == G_MOVW:  # 0000 0001 dddd rrrr
            data[a] = data[b]
            data[a + 1] = data[b + 1]
            pc += 1
        elif g == G_ADIW:  # 1001 0110 KKdd KKKK / 1001 0111 KKdd KKKK
            d = np.int64(data[a]) | (np.int64(data[a + 1]) << 8)
            if o == ADIW:
                res = (d + b) & 0xFFFF
                v = ~d & res & 0x8000
                c = ~res & d & 0x8000
            else:
                res = (d - b) & 0xFFFF
                v = d & ~res & 0x8000
                c = res & ~d & 0x8000
            sreg &= 0xE0
            if c:
                sreg |= C_
            if res == 0:
                sreg |= Z_
            if res & 0x8000:
                sreg |= N_
            if v:
                sreg |= V_
            if ((res >> 15) ^ (v >> 15)) & 1:
                sreg |= S_
            data[a] = res & 0xFF
            data[a + 1] = res >> 8
            pc += 1
        elif g == G_SKIP:
            # CPSE 0001 00rd dddd rrrr; SBRC 1111 110r rrrr 0bbb; SBRS 1111 111r rrrr 0bbb;
            # SBIC 1001 1001 AAAA Abbb; SBIS 1001 1011 AAAA Abbb
            if o == CPSE:
                skip = data[a] == data[b]
            elif o == SBRC:
                skip = (np.int64(data[a]) >> b) & 1 == 0
            elif o == SBRS:
                skip = (np.int64(data[a]) >> b) & 1 == 1
            else:
                io = io_read(data, st, a + 0x20, cycle, sreg, sp)
                skip = ((io >> b) & 1) == (1 if o == SBIS else 0)
            if skip:
                n_words = WORDS[op[(pc + 1) & PC_MASK]]
                cycle += n_words  # skipped: 1 or 2 more
                pc += 1 + n_words
            else:
                pc += 1
        elif g == G_IN:  # 1011 0AAd dddd AAAA
            if b == SREG - 0x20:
                data[a] = sreg  # `in r0, SREG`: every cli()/SREG-restore pair starts here
            else:
                data[a] = io_read(data, st, b + 0x20, cycle, sreg, sp)
            pc += 1
        elif g == G_OUT:  # 1011 1AAr rrrr AAAA
            value = np.int64(data[a])
            if b == SREG - 0x20:
                if value & I_ and not sreg & I_:
                    next_event = 0  # I set: a pending interrupt may now be served
                    if st[S_IOFF_SINCE] >= 0:
                        ioff_end(st, irqlog, cycle)
                elif sreg & I_ and not value & I_:
                    st[S_IOFF_SINCE] = cycle
                sreg = value
            else:
                addr = b + 0x20
                old = np.int64(data[addr])
                sreg, sp, check = io_write(data, st, addr, value, cycle, sreg, sp, pinlog, uartlog)
                if check:
                    next_event = 0
                if addr <= w_hi and addr >= w_lo and watch_hit(st, addr, old, value, pc):
                    pc += 1
                    result = EXIT_WATCH
                    break
            pc += 1
        elif g == G_SBI:  # 1001 1010 AAAA Abbb / 1001 1000 AAAA Abbb
            addr = a + 0x20
            # Read-modify-write of the register, except bits where a one is an action (flags,
            # PINx): there only SBI's own bit is written as a one (datasheet 8.5).
            value = io_read(data, st, addr, cycle, sreg, sp) & ~np.int64(W1_ACTION[addr])
            if o == SBI:
                value |= np.int64(1) << b
            else:
                value &= ~(np.int64(1) << b)
            old = np.int64(data[addr])
            sreg, sp, check = io_write(data, st, addr, value, cycle, sreg, sp, pinlog, uartlog)
            if check:
                next_event = 0
            if addr <= w_hi and addr >= w_lo and watch_hit(st, addr, old, value, pc):
                pc += 1
                result = EXIT_WATCH
                break
            pc += 1
        elif g == G_CALL:
            # RCALL 1101 kkkk kkkk kkkk; CALL 1001 010k kkkk 111k + k16; ICALL 1001 0101 0000 1001
            if o == RCALL:
                ret = pc + 1
                dest = a
            elif o == CALL:
                ret = pc + 2
                dest = a
            else:
                ret = pc + 1
                dest = np.int64(data[30]) | (np.int64(data[31]) << 8)
            ret &= PC_MASK
            data[sp] = ret & 0xFF
            data[(sp - 1) & 0xFFFF] = (ret >> 8) & 0xFF
            sp = (sp - 2) & 0xFFFF
            pc = dest & PC_MASK
        elif g == G_RET:  # 1001 0101 0000 1000 / 1001 0101 0001 1000
            hi = np.int64(data[(sp + 1) & 0xFFFF])
            lo = np.int64(data[(sp + 2) & 0xFFFF])
            sp = (sp + 2) & 0xFFFF
            dest = (hi << 8) | lo
            if o == RETI:
                if not sreg & I_ and st[S_IOFF_SINCE] >= 0:
                    ioff_end(st, irqlog, cycle)
                sreg |= I_
                st[S_INHIBIT] = cycle
                next_event = 0
                depth = st[S_IRQ_DEPTH]
                vec = -1
                if depth > 0:
                    depth -= 1
                    st[S_IRQ_DEPTH] = depth
                    if depth < IRQ_STACK_DEPTH:
                        vec = st[S_IRQ_STACK + depth]
                if vec > 0 and (st[S_LEVEL_REQ] >> vec) & 1:
                    st[S_RAISED_AT + vec] = cycle  # a level still low requests again from here
                n = st[S_IRQ_N]
                irqlog[n, 0] = cycle
                irqlog[n, 1] = vec
                irqlog[n, 2] = IRQ_RETURN
                irqlog[n, 3] = -1
                st[S_IRQ_N] = n + 1
            pc = dest & PC_MASK
        elif g == G_PUSH:  # 1001 001d dddd 1111
            value = np.int64(data[a])
            if sp >= 0x100:
                data[sp] = value
            else:
                sreg, sp, check = io_write(data, st, sp, value, cycle, sreg, sp, pinlog, uartlog)
                if check:
                    next_event = 0
            sp = (sp - 1) & 0xFFFF
            pc += 1
        elif g == G_POP:  # 1001 000d dddd 1111
            sp = (sp + 1) & 0xFFFF
            if sp >= 0x100:
                data[a] = data[sp]
            else:
                data[a] = io_read(data, st, sp, cycle, sreg, sp)
            pc += 1
        elif g == G_INC:  # 1001 010d dddd 0011 / 1001 010d dddd 1010
            d = np.int64(data[a])
            if o == INC:
                res8 = (d + 1) & 0xFF
                v = res8 == 0x80
            else:
                res8 = (d - 1) & 0xFF
                v = res8 == 0x7F
            sreg &= 0xE1
            if res8 == 0:
                sreg |= Z_
            n_bit = (res8 >> 7) & 1
            if n_bit:
                sreg |= N_
            if v:
                sreg |= V_
            if n_bit ^ (1 if v else 0):
                sreg |= S_
            data[a] = res8
            pc += 1
        elif g == G_COM:  # 1001 010d dddd 0000 / 1001 010d dddd 0001
            d = np.int64(data[a])
            if o == COM:
                res8 = 0xFF - d
                sreg = (sreg & 0xE0) | C_
                v = False
            else:
                res8 = (0 - d) & 0xFF
                sreg &= 0xC0
                if res8 != 0:
                    sreg |= C_
                if (res8 | d) & 0x08:
                    sreg |= H_
                v = res8 == 0x80
            if res8 == 0:
                sreg |= Z_
            n_bit = (res8 >> 7) & 1
            if n_bit:
                sreg |= N_
            if v:
                sreg |= V_
            if n_bit ^ (1 if v else 0):
                sreg |= S_
            data[a] = res8
            pc += 1
        elif g == G_SHIFT:
            # LSR 1001 010d dddd 0110; ROR 1001 010d dddd 0111; ASR 1001 010d dddd 0101
            d = np.int64(data[a])
            if o == LSR:
                res8 = d >> 1
            elif o == ROR:
                res8 = (d >> 1) | ((sreg & C_) << 7)
            else:
                res8 = (d >> 1) | (d & 0x80)
            c_bit = d & 1
            n_bit = (res8 >> 7) & 1
            v_bit = n_bit ^ c_bit
            sreg = (sreg & 0xE0) | c_bit | (n_bit << 2) | (v_bit << 3) | ((n_bit ^ v_bit) << 4)
            if res8 == 0:
                sreg |= Z_
            data[a] = res8
            pc += 1
        elif g == G_SWAP:  # 1001 010d dddd 0010
            d = np.int64(data[a])
            data[a] = ((d << 4) | (d >> 4)) & 0xFF
            pc += 1
        elif g == G_MUL:
            # MUL 1001 11rd dddd rrrr; MULS 0000 0010 dddd rrrr; MULSU 0000 0011 0ddd 0rrr;
            # FMUL 0000 0011 0ddd 1rrr; FMULS 0000 0011 1ddd 0rrr; FMULSU 0000 0011 1ddd 1rrr
            d = np.int64(data[a])
            r = np.int64(data[b])
            if SIGNED_D[o] and d >= 0x80:
                d -= 0x100
            if SIGNED_R[o] and r >= 0x80:
                r -= 0x100
            prod = (d * r) & 0xFFFF
            c_bit = (prod >> 15) & 1
            if FRACT[o]:
                prod = (prod << 1) & 0xFFFF
            sreg = (sreg & 0xFC) | c_bit
            if prod == 0:
                sreg |= Z_
            data[0] = prod & 0xFF
            data[1] = prod >> 8
            pc += 1
        elif g == G_JMP:  # 1001 010k kkkk 110k + k16
            pc = a & PC_MASK
        elif g == G_IJMP:  # 1001 0100 0000 1001
            pc = (np.int64(data[30]) | (np.int64(data[31]) << 8)) & PC_MASK
        elif g == G_LPM:
            # LPM 1001 0101 1100 1000; LPM Rd,Z 1001 000d dddd 0100; LPM Rd,Z+ ... 0101
            z = np.int64(data[30]) | (np.int64(data[31]) << 8)
            word = np.int64(flash[(z >> 1) & (FLASH_WORDS - 1)])
            value = (word >> 8) & 0xFF if z & 1 else word & 0xFF
            if o == LPM:
                data[0] = value
            else:
                data[a] = value
                if o == LPM_ZP:
                    z = (z + 1) & 0xFFFF
                    data[30] = z & 0xFF
                    data[31] = z >> 8
            pc += 1
        elif g == G_BSET:  # 1001 0100 0sss 1000 / 1001 0100 1sss 1000
            if o == BSET:
                if a == 7 and (sreg & I_) == 0:
                    st[S_INHIBIT] = cycle  # SEI: the next instruction runs first
                    next_event = 0
                    if st[S_IOFF_SINCE] >= 0:
                        ioff_end(st, irqlog, cycle)
                sreg |= np.int64(1) << a
            else:
                if a == 7 and sreg & I_:
                    st[S_IOFF_SINCE] = cycle  # CLI: a stretch with interrupts disabled begins
                sreg &= ~(np.int64(1) << a)
            pc += 1
        elif g == G_BST:  # 1111 101d dddd 0bbb
            if (np.int64(data[a]) >> b) & 1:
                sreg |= T_
            else:
                sreg &= ~T_
            pc += 1
        elif g == G_BLD:  # 1111 100d dddd 0bbb
            if sreg & T_:
                data[a] = np.int64(data[a]) | (np.int64(1) << b)
            else:
                data[a] = np.int64(data[a]) & ~(np.int64(1) << b)
            pc += 1
        elif g == G_NOP:
            # NOP 0000 0000 0000 0000; BREAK 1001 0101 1001 1000
            # (BREAK is a NOP with the on-chip debugger disabled)
            pc += 1
        elif g == G_WDR:  # 1001 0101 1010 1000: restart the watchdog's count
            wdt_kick(data, st, cycle)
            pc += 1
        elif g == G_SLEEP:  # 1001 0101 1000 1000
            pc += 1
            if np.int64(data[SMCR]) & 1:
                st[S_SLEEPING] = 1
                st[S_SLEEP_SINCE] = cycle
                sleep_enter(data, st, cycle)
                next_event = 0
        elif g == G_SPM:  # 1001 0101 1110 1000
            z = np.int64(data[30]) | (np.int64(data[31]) << 8)
            pc += 1
            if pc <= BOOT_START:
                # Executed from the application section: SPM is disabled there (datasheet 27,
                # "Application Section"); SPMEN's four-cycle window closes unused.
                data[SPMCSR] = np.int64(data[SPMCSR]) & ~0x3F
            elif spm(data, flash, st, z, np.int64(data[0]), np.int64(data[1])):
                st[S_SPM_DIRTY] = 1
                result = EXIT_SPM
                break
        else:
            # An undefined opcode, the sentinel past the end of flash, or a breakpoint.
            executed -= 1
            if o == OP_WRAP:
                pc -= FLASH_WORDS  # the 14-bit PC wrapped: fetch again at the start of flash
                continue
            if o >= OP_BREAK1:
                result = EXIT_BREAK
                break
            st[S_HALT] = HALT_UNDEFINED
            st[S_HALT_WORD] = flash[pc]
            st[S_HALT_PC] = pc
            result = EXIT_HALT
            break

    if st[S_LOST_N]:
        flush_lost(st, irqlog)
    if pc >= FLASH_WORDS:
        pc -= FLASH_WORDS
    st[S_PC] = pc
    st[S_CYCLE] = cycle
    st[S_INSTRUCTIONS] += executed
    data[SREG] = sreg
    data[SPL] = sp & 0xFF
    data[SPH] = (sp >> 8) & 0xFF
    return result


__all__ = ["run_slice"]
