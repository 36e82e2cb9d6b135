/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layer: index. May use: nothing (constants only).
 *
 * The on-disk constants of the .bin index format (docs/formats.md section 1),
 * shared by the reader (index.c and the index-*.c files beside it) and the
 * writer (index-write.c). Constants only: this header includes nothing and may be
 * included by any file of the index layer.
 *
 * Layout reminder: a 12-byte big-endian header (magic, version, root node
 * pointer), then trie nodes. A node pointer is a u32be: the low 28 bits are the
 * node's file offset, the high bits say which of the node's three optional parts
 * (prefix, child table, value list) are present, in that order.
 */

#include <stdint.h>

/* header: u32be magic, u32be version (major << 16 | minor), u32be root pointer */
#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION_MAJOR 0x0002u
#define INDEX_VERSION_MINOR 0x0001u
#define INDEX_VERSION ((uint32_t)INDEX_VERSION_MAJOR << 16 | INDEX_VERSION_MINOR)
#define INDEX_HEADER_SIZE 12u

/* node pointer flags: which parts the pointed-to node has */
#define INDEX_NODE_PREFIX 0x80000000u /* a NUL-terminated prefix string */
#define INDEX_NODE_VALUES 0x40000000u /* u32be count, then (u32be prio, string) */
#define INDEX_NODE_CHILDS 0x20000000u /* u8 first, u8 last, u32be slot per byte */
#define INDEX_NODE_FLAGS 0xF0000000u /* bit 28 has no meaning and is masked away */
#define INDEX_NODE_OFFSET 0x0FFFFFFFu /* the node's file offset; 0 = no node */

/* 28 offset bits: an index file cannot reach 256 MiB */
#define INDEX_OFFSET_LIMIT 0x10000000u

/* keys are 7-bit ASCII: a child table never reaches byte 128 */
#define INDEX_CHILD_MAX 128u
