(module
  ;; Dumpling CSV escaping of input[0, n) into output at 65536: a backslash before the
  ;; delimiter byte `sp` and before a backslash; 0x00 -> \0, LF -> \n, CR -> \r (the delimiter
  ;; rule first, as csv.ts's table). 16 bytes at a time when none needs escaping.
  (memory (export "memory") 3)
  (func $bytes (param $i i32) (param $end i32) (param $o i32) (param $sp i32) (result i32)
    (local $c i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $c) (local.get $sp))
          (then
            (i32.store8 (local.get $o) (i32.const 92))
            (i32.store8 offset=1 (local.get $o) (local.get $c))
            (local.set $o (i32.add (local.get $o) (i32.const 2))))
          (else
            (if (i32.eqz (local.get $c))
              (then
                (i32.store8 (local.get $o) (i32.const 92))
                (i32.store8 offset=1 (local.get $o) (i32.const 48))
                (local.set $o (i32.add (local.get $o) (i32.const 2))))
              (else
                (if (i32.eq (local.get $c) (i32.const 10))
                  (then
                    (i32.store8 (local.get $o) (i32.const 92))
                    (i32.store8 offset=1 (local.get $o) (i32.const 110))
                    (local.set $o (i32.add (local.get $o) (i32.const 2))))
                  (else
                    (if (i32.eq (local.get $c) (i32.const 13))
                      (then
                        (i32.store8 (local.get $o) (i32.const 92))
                        (i32.store8 offset=1 (local.get $o) (i32.const 114))
                        (local.set $o (i32.add (local.get $o) (i32.const 2))))
                      (else
                        (if (i32.eq (local.get $c) (i32.const 92))
                          (then
                            (i32.store8 (local.get $o) (i32.const 92))
                            (i32.store8 offset=1 (local.get $o) (i32.const 92))
                            (local.set $o (i32.add (local.get $o) (i32.const 2))))
                          (else
                            (i32.store8 (local.get $o) (local.get $c))
                            (local.set $o (i32.add (local.get $o) (i32.const 1)))))))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $o))
  (func (export "esc") (param $n i32) (param $sp i32) (result i32)
    (local $i i32) (local $o i32) (local $v v128) (local $spv v128)
    (local.set $o (i32.const 65536))
    (local.set $spv (i8x16.splat (local.get $sp)))
    (block $tail
      (loop $vec
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
        (local.set $v (v128.load (local.get $i)))
        (if (v128.any_true
              (v128.or
                (v128.or
                  (i8x16.eq (local.get $v) (v128.const i32x4 0 0 0 0))
                  (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10))))
                (v128.or
                  (v128.or
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 13)))
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 92))))
                  (i8x16.eq (local.get $v) (local.get $spv)))))
          (then
            (local.set $o (call $bytes (local.get $i) (i32.add (local.get $i) (i32.const 16)) (local.get $o) (local.get $sp))))
          (else
            (v128.store (local.get $o) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (call $bytes (local.get $i) (local.get $n) (local.get $o) (local.get $sp)))
)
