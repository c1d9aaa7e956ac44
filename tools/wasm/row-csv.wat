(module
  ;; One TiDB row v2 value -> one Dumpling CSV line (src/export/row-csv-wasm.ts is the JS side
  ;; and documents the contract; src/export/row-csv.ts `fast` is the same reader in JS).
  ;;
  ;; Memory (64 KiB pages, grown by the JS side for the output only):
  ;;   [0]      separator byte            [1] delimiter byte        [2] escaped byte (= delimiter)
  ;;   [4]      number of columns (i32)   [8] NULL text length      [12] line terminator length
  ;;   [32,64)  digit scratch (written backwards from 64)
  ;;   [64,128) NULL text                 [128,192) line terminator
  ;;   [192,220) the row's state for resume(): data start, not-null and null counts, then the
  ;;            hint, the field bytes' start and end and the line's end when JS writes a field
  ;;   [1024,1224) the digit pairs "00" .. "99"
  ;;   [4096,8192) [8192,12288) [12288,16384): the row's not-null ids, their end offsets and its
  ;;            null ids as i32 (at most 1024 of each; more: declined)
  ;;   [16384,65536) columns, 16 bytes each: i32 column id, u8 mode, u8 missing, u8 fsp, i32 literal
  ;;            offset, i32 literal length
  ;;            mode: 0 signed int, 1 unsigned int, 2 string (quoted, escaped), 3 written by JS,
  ;;            4 packed DATETIME (quoted; byte 6: fsp), 5 packed DATE (quoted)
  ;;            missing (the id neither stored nor NULL in the row): 0 declined, 1 signed int
  ;;            handle, 2 unsigned int handle, 3 NULL, 4 the literal (the default's CSV field)
  ;;   [65536, 131072)     the literals
  ;;   then the row values (copied in by JS: row-csv-wasm.ts has the layout), then the output
  ;;   (the CSV formatter's buffer)
  ;;
  ;; row(in, len, hi, lo, o): writes the line of the value [in, in + len) at o and returns the
  ;; position after it, or -1 when it declines (the JS path then writes the row and reports any
  ;; error). hi/lo: the record key's
  ;; 8 handle bytes, big-endian, sign bit still flipped. The caller reserves 2*len plus the
  ;; per-column maximum (literals included) plus 64 bytes of slack at o: 16-byte stores may run
  ;; past the end.
  (memory (export "memory") 3)
  (data (i32.const 1024) "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899")

  ;; index of id in the ascending i32 ids [p, p + 4n), or -1
  (func $find (param $p i32) (param $n i32) (param $want i32) (result i32)
    (local $lo i32) (local $hi i32) (local $mid i32) (local $x i32)
    (local.set $hi (i32.sub (local.get $n) (i32.const 1)))
    (block $none
      (loop $step
        (br_if $none (i32.gt_s (local.get $lo) (local.get $hi)))
        (local.set $mid (i32.shr_u (i32.add (local.get $lo) (local.get $hi)) (i32.const 1)))
        (local.set $x (i32.load (i32.add (local.get $p) (i32.shl (local.get $mid) (i32.const 2)))))
        (if (i32.eq (local.get $x) (local.get $want)) (then (return (local.get $mid))))
        (if (i32.lt_u (local.get $x) (local.get $want))
          (then (local.set $lo (i32.add (local.get $mid) (i32.const 1))))
          (else (local.set $hi (i32.sub (local.get $mid) (i32.const 1)))))
        (br $step)))
    (i32.const -1))

  ;; x / 10 for any u32 x by multiplication (exact: the multiplier is ceil(2^35 / 10), whose error
  ;; times 2^32 stays below 2^35; $digits divides by 100 the same way with ceil(2^37 / 100)); a
  ;; division instruction costs ~25 cycles where the engine does not do this itself
  (func $div10 (param $x i32) (result i32)
    (i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 3435973837)) (i64.const 35))))

  ;; decimal text of v at o (signed: v as two's complement); returns the position after it
  (func $digits (param $v i64) (param $signed i32) (param $o i32) (result i32)
    (local $p i32) (local $q i64) (local $x i32) (local $y i32)
    (if (i32.and (local.get $signed) (i64.lt_s (local.get $v) (i64.const 0)))
      (then
        (i32.store8 (local.get $o) (i32.const 45))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (local.set $p (i32.const 64))
    (block $small
      (loop $wide
        (br_if $small (i64.lt_u (local.get $v) (i64.const 0x100000000)))
        (local.set $q (i64.div_u (local.get $v) (i64.const 10)))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p)
          (i32.add (i32.const 48) (i32.wrap_i64 (i64.sub (local.get $v) (i64.mul (local.get $q) (i64.const 10))))))
        (local.set $v (local.get $q))
        (br $wide)))
    ;; below 2^32: two digits per division, from the pair table at 1024 ("00" .. "99")
    (local.set $x (i32.wrap_i64 (local.get $v)))
    (block $last
      (loop $pairs
        (br_if $last (i32.lt_u (local.get $x) (i32.const 100)))
        (local.set $y ;; x / 100, as $div100
          (i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u (local.get $x)) (i64.const 1374389535)) (i64.const 37))))
        (local.set $p (i32.sub (local.get $p) (i32.const 2)))
        (i32.store16 (local.get $p)
          (i32.load16_u offset=1024 (i32.shl (i32.sub (local.get $x) (i32.mul (local.get $y) (i32.const 100))) (i32.const 1))))
        (local.set $x (local.get $y))
        (br $pairs)))
    (if (i32.ge_u (local.get $x) (i32.const 10))
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 2)))
        (i32.store16 (local.get $p) (i32.load16_u offset=1024 (i32.shl (local.get $x) (i32.const 1)))))
      (else
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.add (i32.const 48) (local.get $x)))))
    ;; at most 20 digits: two 16-byte copies (the scratch is followed by readable memory)
    (v128.store (local.get $o) (v128.load (local.get $p)))
    (v128.store offset=16 (local.get $o) (v128.load offset=16 (local.get $p)))
    (i32.add (local.get $o) (i32.sub (i32.const 64) (local.get $p))))

  ;; bytes [i, end) escaped Dumpling's way at o: a backslash before the escaped byte `sp` and
  ;; before a backslash; 0x00 -> \0, LF -> \n, CR -> \r (`sp` first, as csv.ts's table).
  ;; Exported too: csv.ts escapes a long cell of the JS path with it (copied in by JS).
  (func $esc (export "esc") (param $i i32) (param $end i32) (param $o i32) (param $sp i32) (result i32)
    (local $v v128) (local $w v128) (local $mask i32) (local $rem i32) (local $k i32) (local $c i32) (local $spv v128)
    (local.set $spv (i8x16.splat (local.get $sp)))
    (block $done
      (loop $next
        (local.set $rem (i32.sub (local.get $end) (local.get $i)))
        (br_if $done (i32.le_s (local.get $rem) (i32.const 0)))
        (local.set $v (v128.load (local.get $i)))
        ;; bit n: byte n is one to escape (written out twice below: Node 20's V8 does not inline
        ;; WebAssembly calls, and a call per 16 bytes made this twice as slow)
        (local.set $mask
          (i8x16.bitmask
            (v128.or
              (v128.or
                (i8x16.eq (local.get $v) (v128.const i32x4 0 0 0 0))
                (i8x16.eq (local.get $v) (v128.const i32x4 0x0a0a0a0a 0x0a0a0a0a 0x0a0a0a0a 0x0a0a0a0a)))
              (v128.or
                (v128.or
                  (i8x16.eq (local.get $v) (v128.const i32x4 0x0d0d0d0d 0x0d0d0d0d 0x0d0d0d0d 0x0d0d0d0d))
                  (i8x16.eq (local.get $v) (v128.const i32x4 0x5c5c5c5c 0x5c5c5c5c 0x5c5c5c5c 0x5c5c5c5c)))
                (i8x16.eq (local.get $v) (local.get $spv))))))
        (if (i32.ge_u (local.get $rem) (i32.const 32))
          (then
            ;; 32 bytes per step while at least 32 are left (one branch per 32 bytes: 1 KiB strings
            ;; 124 -> 94 ns, 120 bytes 23 -> 20 ns); the stores end inside the line still to write
            (local.set $w (v128.load offset=16 (local.get $i)))
            (local.set $mask
              (i32.or (local.get $mask)
                (i32.shl
                  (i8x16.bitmask
                    (v128.or
                      (v128.or
                        (i8x16.eq (local.get $w) (v128.const i32x4 0 0 0 0))
                        (i8x16.eq (local.get $w) (v128.const i32x4 0x0a0a0a0a 0x0a0a0a0a 0x0a0a0a0a 0x0a0a0a0a)))
                      (v128.or
                        (v128.or
                          (i8x16.eq (local.get $w) (v128.const i32x4 0x0d0d0d0d 0x0d0d0d0d 0x0d0d0d0d 0x0d0d0d0d))
                          (i8x16.eq (local.get $w) (v128.const i32x4 0x5c5c5c5c 0x5c5c5c5c 0x5c5c5c5c 0x5c5c5c5c)))
                        (i8x16.eq (local.get $w) (local.get $spv)))))
                  (i32.const 16))))
            (v128.store (local.get $o) (local.get $v))
            (v128.store offset=16 (local.get $o) (local.get $w))
            (if (i32.eqz (local.get $mask))
              (then
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (local.set $i (i32.add (local.get $i) (i32.const 32)))
                (br $next))))
          (else
            (if (i32.lt_u (local.get $rem) (i32.const 16))
              (then (local.set $mask (i32.and (local.get $mask) (i32.sub (i32.shl (i32.const 1) (local.get $rem)) (i32.const 1))))))
            (v128.store (local.get $o) (local.get $v))
            (if (i32.eqz (local.get $mask))
              (then
                (if (i32.gt_u (local.get $rem) (i32.const 16)) (then (local.set $rem (i32.const 16))))
                (local.set $o (i32.add (local.get $o) (local.get $rem)))
                (local.set $i (i32.add (local.get $i) (local.get $rem)))
                (br $next)))))
        ;; the clean bytes before the first byte to escape are stored already
        (local.set $k (i32.ctz (local.get $mask)))
        (local.set $o (i32.add (local.get $o) (local.get $k)))
        (local.set $i (i32.add (local.get $i) (local.get $k)))
        (local.set $c (i32.load8_u (local.get $i)))
        (i32.store8 (local.get $o) (i32.const 92))
        (i32.store8 offset=1 (local.get $o)
          (if (result i32) (i32.eq (local.get $c) (local.get $sp))
            (then (local.get $c))
            (else
              (if (result i32) (i32.eqz (local.get $c))
                (then (i32.const 48))
                (else
                  (if (result i32) (i32.eq (local.get $c) (i32.const 10))
                    (then (i32.const 110))
                    (else
                      (if (result i32) (i32.eq (local.get $c) (i32.const 13))
                        (then (i32.const 114))
                        (else (local.get $c))))))))))
        (local.set $o (i32.add (local.get $o) (i32.const 2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $o))

  ;; two digits of x (0..99) at o
  (func $d2 (param $x i32) (param $o i32)
    (local $t i32)
    (local.set $t (i32.shr_u (i32.mul (local.get $x) (i32.const 205)) (i32.const 11)))
    (i32.store8 (local.get $o) (i32.add (i32.const 48) (local.get $t)))
    (i32.store8 offset=1 (local.get $o) (i32.add (i32.const 48) (i32.sub (local.get $x) (i32.mul (local.get $t) (i32.const 10))))))

  ;; a packed TiDB time (pingcap/tidb:pkg/types/time.go ToPackedUint: ymd << 41 | hms << 24 | usec,
  ;; ymd = (year * 13 + month) << 5 | day, hms = hour << 12 | minute << 6 | second) as the quoted
  ;; field `q`YYYY-MM-DD`q` (date) or `q`YYYY-MM-DD HH:MM:SS[.f{fsp}]`q` at o; -1 when a part is
  ;; out of range (the JS path reports it)
  (func $time (param $v i64) (param $date i32) (param $fsp i32) (param $q i32) (param $o i32) (result i32)
    (local $micro i32) (local $hms i32) (local $ym i32) (local $year i32) (local $month i32) (local $day i32)
    (local $i i32) (local $t i32)
    (local.set $micro (i32.wrap_i64 (i64.and (local.get $v) (i64.const 0xffffff))))
    (local.set $hms (i32.wrap_i64 (i64.and (i64.shr_u (local.get $v) (i64.const 24)) (i64.const 0x1ffff))))
    (local.set $ym (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 41))))
    (local.set $day (i32.and (local.get $ym) (i32.const 31)))
    (local.set $ym (i32.shr_u (local.get $ym) (i32.const 5)))
    (local.set $year (i32.div_u (local.get $ym) (i32.const 13)))
    (local.set $month (i32.sub (local.get $ym) (i32.mul (local.get $year) (i32.const 13))))
    (if (i32.or
          (i32.or
            (i32.or (i32.gt_u (local.get $year) (i32.const 9999)) (i32.gt_u (local.get $month) (i32.const 12)))
            (i32.or (i32.gt_u (local.get $day) (i32.const 31)) (i32.gt_u (i32.shr_u (local.get $hms) (i32.const 12)) (i32.const 23))))
          (i32.or
            (i32.or
              (i32.gt_u (i32.and (i32.shr_u (local.get $hms) (i32.const 6)) (i32.const 63)) (i32.const 59))
              (i32.gt_u (i32.and (local.get $hms) (i32.const 63)) (i32.const 59)))
            (i32.gt_u (local.get $micro) (i32.const 999999))))
      (then (return (i32.const -1))))
    (i32.store8 (local.get $o) (local.get $q))
    (call $d2 (i32.div_u (local.get $year) (i32.const 100)) (i32.add (local.get $o) (i32.const 1)))
    (call $d2 (i32.rem_u (local.get $year) (i32.const 100)) (i32.add (local.get $o) (i32.const 3)))
    (i32.store8 offset=5 (local.get $o) (i32.const 45))
    (call $d2 (local.get $month) (i32.add (local.get $o) (i32.const 6)))
    (i32.store8 offset=8 (local.get $o) (i32.const 45))
    (call $d2 (local.get $day) (i32.add (local.get $o) (i32.const 9)))
    (local.set $o (i32.add (local.get $o) (i32.const 11)))
    (if (i32.eqz (local.get $date))
      (then
        (i32.store8 (local.get $o) (i32.const 32))
        (call $d2 (i32.shr_u (local.get $hms) (i32.const 12)) (i32.add (local.get $o) (i32.const 1)))
        (i32.store8 offset=3 (local.get $o) (i32.const 58))
        (call $d2 (i32.and (i32.shr_u (local.get $hms) (i32.const 6)) (i32.const 63)) (i32.add (local.get $o) (i32.const 4)))
        (i32.store8 offset=6 (local.get $o) (i32.const 58))
        (call $d2 (i32.and (local.get $hms) (i32.const 63)) (i32.add (local.get $o) (i32.const 7)))
        (local.set $o (i32.add (local.get $o) (i32.const 9)))
        (if (local.get $fsp)
          (then
            ;; the six microsecond digits, of which the first fsp stay
            (i32.store8 (local.get $o) (i32.const 46))
            (local.set $i (i32.const 6))
            (loop $digit
              (local.set $t (call $div10 (local.get $micro)))
              (i32.store8 (i32.add (local.get $o) (local.get $i))
                (i32.add (i32.const 48) (i32.sub (local.get $micro) (i32.mul (local.get $t) (i32.const 10)))))
              (local.set $micro (local.get $t))
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_if $digit (local.get $i)))
            (local.set $o (i32.add (local.get $o) (i32.add (local.get $fsp) (i32.const 1))))))))
    (i32.store8 (local.get $o) (local.get $q))
    (i32.add (local.get $o) (i32.const 1)))

  ;; copies [src, src + n) to o for n <= 64; returns o + n
  (func $put64 (param $src i32) (param $n i32) (param $o i32) (result i32)
    (v128.store (local.get $o) (v128.load (local.get $src)))
    (if (i32.gt_u (local.get $n) (i32.const 16))
      (then
        (v128.store offset=16 (local.get $o) (v128.load offset=16 (local.get $src)))
        (v128.store offset=32 (local.get $o) (v128.load offset=32 (local.get $src)))
        (v128.store offset=48 (local.get $o) (v128.load offset=48 (local.get $src)))))
    (i32.add (local.get $o) (local.get $n)))

  (func $row (export "row") (param $in i32) (param $len i32) (param $hi i32) (param $lo i32) (param $o i32) (result i32)
    (local $ve i32) (local $flags i32) (local $large i32) (local $n i32) (local $m i32)
    (local $ids i32) (local $nls i32) (local $offs i32) (local $data i32) (local $prev i32)
    (local $e i32) (local $i i32) (local $x i32) (local $t i32) (local $last i32)
    (local.set $ve (i32.add (local.get $in) (local.get $len)))
    ;; header: 0x80, flags (1 = large, 2 = checksum), u16 not-null count, u16 null count
    (if (i32.lt_u (local.get $len) (i32.const 6)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $in)) (i32.const 0x80)) (then (return (i32.const -1))))
    (local.set $flags (i32.load8_u offset=1 (local.get $in)))
    (if (i32.and (local.get $flags) (i32.const -4)) (then (return (i32.const -1))))
    (local.set $large (i32.and (local.get $flags) (i32.const 1)))
    (local.set $n (i32.load16_u offset=2 (local.get $in)))
    (local.set $m (i32.load16_u offset=4 (local.get $in)))
    (if (i32.or (i32.gt_u (local.get $n) (i32.const 1024)) (i32.gt_u (local.get $m) (i32.const 1024)))
      (then (return (i32.const -1))))
    (local.set $ids (i32.add (local.get $in) (i32.const 6)))
    (local.set $nls (i32.add (local.get $ids) (i32.shl (local.get $n) (i32.shl (local.get $large) (i32.const 1)))))
    (local.set $offs (i32.add (local.get $nls) (i32.shl (local.get $m) (i32.shl (local.get $large) (i32.const 1)))))
    (local.set $data (i32.add (local.get $offs) (i32.shl (local.get $n) (i32.add (local.get $large) (i32.const 1)))))
    (if (i32.gt_u (local.get $data) (local.get $ve)) (then (return (i32.const -1))))
    ;; not-null ids (strictly ascending) and end offsets (ascending, inside the value), read into
    ;; [4096) and [8192) as i32
    (local.set $last (i32.const -1))
    (block $checked
      (loop $each
        (br_if $checked (i32.ge_u (local.get $i) (local.get $n)))
        (if (local.get $large)
          (then
            (local.set $x (i32.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $e (i32.load (i32.add (local.get $offs) (i32.shl (local.get $i) (i32.const 2))))))
          (else
            (local.set $x (i32.load8_u (i32.add (local.get $ids) (local.get $i))))
            (local.set $e (i32.load16_u (i32.add (local.get $offs) (i32.shl (local.get $i) (i32.const 1)))))))
        (if (i32.lt_u (local.get $e) (local.get $prev)) (then (return (i32.const -1))))
        (if (i32.gt_u (local.get $e) (i32.sub (local.get $ve) (local.get $data))) (then (return (i32.const -1))))
        (if (i32.and (i32.ne (local.get $i) (i32.const 0)) (i32.le_u (local.get $x) (local.get $last)))
          (then (return (i32.const -1))))
        (i32.store offset=4096 (i32.shl (local.get $i) (i32.const 2)) (local.get $x))
        (i32.store offset=8192 (i32.shl (local.get $i) (i32.const 2)) (local.get $e))
        (local.set $last (local.get $x))
        (local.set $prev (local.get $e))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    ;; the data ends the value, or is followed by a checksum trailer of 5 or 9 bytes
    (local.set $x (i32.add (local.get $data) (local.get $prev)))
    (if (i32.and (local.get $flags) (i32.const 2))
      (then
        (if (i32.ge_u (local.get $x) (local.get $ve)) (then (return (i32.const -1))))
        (local.set $t (select (i32.const 9) (i32.const 5) (i32.and (i32.load8_u (local.get $x)) (i32.const 8))))
        (if (i32.ne (i32.sub (local.get $ve) (local.get $x)) (local.get $t)) (then (return (i32.const -1)))))
      (else
        (if (i32.ne (local.get $x) (local.get $ve)) (then (return (i32.const -1))))))
    ;; null ids: strictly ascending, none of them also stored; read into [12288) as i32
    (local.set $i (i32.const 0))
    (block $nulls
      (loop $each
        (br_if $nulls (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $x
          (if (result i32) (local.get $large)
            (then (i32.load (i32.add (local.get $nls) (i32.shl (local.get $i) (i32.const 2)))))
            (else (i32.load8_u (i32.add (local.get $nls) (local.get $i))))))
        (if (i32.and (i32.ne (local.get $i) (i32.const 0)) (i32.le_u (local.get $x) (local.get $last)))
          (then (return (i32.const -1))))
        (if (i32.ge_s (call $find (i32.const 4096) (local.get $n) (local.get $x)) (i32.const 0))
          (then (return (i32.const -1))))
        (i32.store offset=12288 (i32.shl (local.get $i) (i32.const 2)) (local.get $x))
        (local.set $last (local.get $x))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    ;; the state the columns need (resume() starts from it again)
    (i32.store (i32.const 192) (local.get $data))
    (i32.store (i32.const 196) (local.get $n))
    (i32.store (i32.const 200) (local.get $m))
    (call $cols (i32.const 0) (i32.const 0) (local.get $hi) (local.get $lo) (local.get $o)))

  ;; after JS wrote the field of the column row() (or resume()) stopped at: the columns from
  ;; ci on, the line ending at o (the hint: where that column was in the row)
  (func $resume (export "resume") (param $ci i32) (param $hi i32) (param $lo i32) (param $o i32) (result i32)
    (call $cols (local.get $ci) (i32.load (i32.const 204)) (local.get $hi) (local.get $lo) (local.get $o)))

  ;; the columns from ci on, in output order, then the line terminator; returns the end, -1
  ;; (declined) or -2 - ci when column ci holds a value of a type written by JS: its bytes are
  ;; [208], [212) as addresses and the line so far ends at [216] (its separator not written)
  (func $cols (param $ci i32) (param $hint i32) (param $hi i32) (param $lo i32) (param $o i32) (result i32)
    (local $data i32) (local $n i32) (local $m i32) (local $e i32) (local $x i32)
    (local $ncols i32) (local $col i32) (local $cid i32) (local $mode i32)
    (local $idx i32) (local $s i32) (local $w i32) (local $v i64) (local $q i32) (local $sp i32)
    (local $at i32)
    (local.set $data (i32.load (i32.const 192)))
    (local.set $n (i32.load (i32.const 196)))
    (local.set $m (i32.load (i32.const 200)))
    (local.set $ncols (i32.load (i32.const 4)))
    (local.set $sp (i32.load8_u (i32.const 2)))
    (local.set $q (i32.load8_u (i32.const 1)))
    (local.set $col (i32.add (i32.const 16384) (i32.shl (local.get $ci) (i32.const 4))))
    (block $cols
      (loop $each
        (br_if $cols (i32.ge_u (local.get $ci) (local.get $ncols)))
        (local.set $at (local.get $o))
        (if (local.get $ci)
          (then
            (i32.store8 (local.get $o) (i32.load8_u (i32.const 0)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))))
        (local.set $cid (i32.load (local.get $col)))
        (local.set $mode (i32.load8_u offset=4 (local.get $col)))
        ;; columns usually come in the row's id order: try the entry after the last one found
        (local.set $idx
          (if (result i32)
              (i32.and
                (i32.lt_u (local.get $hint) (local.get $n))
                (i32.eq (i32.load offset=4096 (i32.shl (local.get $hint) (i32.const 2))) (local.get $cid)))
            (then (local.get $hint))
            (else (call $find (i32.const 4096) (local.get $n) (local.get $cid)))))
        (block $written
          (if (i32.ge_s (local.get $idx) (i32.const 0))
            (then
              (local.set $hint (i32.add (local.get $idx) (i32.const 1)))
              (local.set $s
                (i32.add (local.get $data)
                  (if (result i32) (local.get $idx)
                    (then (i32.load offset=8188 (i32.shl (local.get $idx) (i32.const 2))))
                    (else (i32.const 0)))))
              (local.set $e (i32.add (local.get $data) (i32.load offset=8192 (i32.shl (local.get $idx) (i32.const 2)))))
              (if (i32.eq (local.get $mode) (i32.const 2))
                (then
                  (i32.store8 (local.get $o) (local.get $q))
                  (local.set $o (call $esc (local.get $s) (local.get $e) (i32.add (local.get $o) (i32.const 1)) (local.get $sp)))
                  (i32.store8 (local.get $o) (local.get $q))
                  (local.set $o (i32.add (local.get $o) (i32.const 1)))
                  (br $written)))
              ;; integers: 1, 2, 4 or 8 bytes little-endian, signed (mode 0) or unsigned (mode 1,
              ;; and the packed times of modes 4 and 5); another width, or another type (mode 3):
              ;; JS writes the field
              (local.set $w (i32.sub (local.get $e) (local.get $s)))
              (if (i32.or
                    (i32.eq (local.get $mode) (i32.const 3))
                    (i32.eqz (i32.or
                      (i32.or (i32.eq (local.get $w) (i32.const 1)) (i32.eq (local.get $w) (i32.const 2)))
                      (i32.or (i32.eq (local.get $w) (i32.const 4)) (i32.eq (local.get $w) (i32.const 8))))))
                (then
                  (i32.store (i32.const 204) (local.get $hint))
                  (i32.store (i32.const 208) (local.get $s))
                  (i32.store (i32.const 212) (local.get $e))
                  (i32.store (i32.const 216) (local.get $at))
                  (return (i32.sub (i32.const -2) (local.get $ci)))))
              (if (i32.eq (local.get $w) (i32.const 1))
                (then
                  (local.set $v
                    (if (result i64) (local.get $mode)
                      (then (i64.load8_u (local.get $s)))
                      (else (i64.load8_s (local.get $s))))))
                (else
                  (if (i32.eq (local.get $w) (i32.const 2))
                    (then
                      (local.set $v
                        (if (result i64) (local.get $mode)
                          (then (i64.load16_u (local.get $s)))
                          (else (i64.load16_s (local.get $s))))))
                    (else
                      (if (i32.eq (local.get $w) (i32.const 4))
                        (then
                          (local.set $v
                            (if (result i64) (local.get $mode)
                              (then (i64.load32_u (local.get $s)))
                              (else (i64.load32_s (local.get $s))))))
                        (else
                          (local.set $v (i64.load (local.get $s)))))))))
              (if (i32.ge_u (local.get $mode) (i32.const 4))
                (then
                  ;; a packed time: DATETIME / UTC TIMESTAMP (mode 4, fsp in the column's byte 6), DATE (5)
                  (local.set $o
                    (call $time (local.get $v) (i32.eq (local.get $mode) (i32.const 5))
                      (i32.load8_u offset=6 (local.get $col)) (local.get $q) (local.get $o)))
                  (br_if $written (i32.ge_s (local.get $o) (i32.const 0)))
                  (return (i32.const -1))))
              (local.set $o (call $digits (local.get $v) (i32.eqz (local.get $mode)) (local.get $o)))
              (br $written)))
          (if (local.get $m)
            (then
              (if (i32.ge_s (call $find (i32.const 12288) (local.get $m) (local.get $cid)) (i32.const 0))
                (then
                  (local.set $o (call $put64 (i32.const 64) (i32.load (i32.const 8)) (local.get $o)))
                  (br $written)))))
          ;; not in the row: the int handle column, NULL or the default's field
          (local.set $x (i32.load8_u offset=5 (local.get $col)))
          (if (i32.eqz (local.get $x)) (then (return (i32.const -1))))
          (if (i32.eq (local.get $x) (i32.const 3))
            (then
              (local.set $o (call $put64 (i32.const 64) (i32.load (i32.const 8)) (local.get $o)))
              (br $written)))
          (if (i32.eq (local.get $x) (i32.const 4))
            (then
              (local.set $w (i32.load offset=12 (local.get $col)))
              (memory.copy (local.get $o) (i32.load offset=8 (local.get $col)) (local.get $w))
              (local.set $o (i32.add (local.get $o) (local.get $w)))
              (br $written)))
          (local.set $v
            (i64.xor
              (i64.or (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32)) (i64.extend_i32_u (local.get $lo)))
              (i64.const 0x8000000000000000)))
          (local.set $o (call $digits (local.get $v) (i32.eq (local.get $x) (i32.const 1)) (local.get $o))))
        (local.set $col (i32.add (local.get $col) (i32.const 16)))
        (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
        (br $each)))
    (call $put64 (i32.const 128) (i32.load (i32.const 12)) (local.get $o)))
)
