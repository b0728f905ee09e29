// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Pool: a constant-product (x * y = k) market between two tokens it accounts for itself.
/// @notice Written for parallel-evm. Both tokens live inside the pool as internal balances, so a
/// swap makes no external calls: it debits the trader's balance of the input token, credits the
/// output token, and moves the reserves along x * y = k after a 0.3% fee on the input (Uniswap V2's
/// formula). The generator (src/workload/blocks.ts) writes the reserves and the traders' balances
/// straight into the pre-state; it relies on this storage layout, recorded by `npm run contracts`
/// in src/workload/contracts.json:
///   slot 0  reserve0
///   slot 1  reserve1
///   slot 2  balance0  mapping(address => uint256): trader t's token-0 balance at keccak256(pad32(t) ++ pad32(2))
///   slot 3  balance1  mapping(address => uint256): at keccak256(pad32(t) ++ pad32(3))
contract Pool {
    uint256 public reserve0;
    uint256 public reserve1;
    mapping(address => uint256) public balance0;
    mapping(address => uint256) public balance1;

    uint256 private constant FEE_DENOMINATOR = 1000;
    uint256 private constant FEE_KEPT = 997; // 0.3% fee, left in the pool

    event Swap(address indexed trader, bool zeroForOne, uint256 amountIn, uint256 amountOut, uint256 reserve0, uint256 reserve1);

    error ZeroAmount();
    error InsufficientBalance(uint256 balance, uint256 needed);

    /// Output for `amountIn` of the input token against reserves (reserveIn, reserveOut), fee deducted.
    function amountOutFor(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        uint256 inWithFee = amountIn * FEE_KEPT;
        return (inWithFee * reserveOut) / (reserveIn * FEE_DENOMINATOR + inWithFee);
    }

    /// Swaps `amountIn` of token 0 for token 1 (zeroForOne) or of token 1 for token 0; returns the output amount.
    function swap(uint256 amountIn, bool zeroForOne) external returns (uint256 amountOut) {
        if (amountIn == 0) revert ZeroAmount();
        uint256 r0 = reserve0;
        uint256 r1 = reserve1;
        if (zeroForOne) {
            uint256 held = balance0[msg.sender];
            if (held < amountIn) revert InsufficientBalance(held, amountIn);
            amountOut = amountOutFor(amountIn, r0, r1);
            if (amountOut == 0) revert ZeroAmount();
            unchecked {
                balance0[msg.sender] = held - amountIn;
            }
            balance1[msg.sender] += amountOut;
            r0 += amountIn;
            r1 -= amountOut;
        } else {
            uint256 held = balance1[msg.sender];
            if (held < amountIn) revert InsufficientBalance(held, amountIn);
            amountOut = amountOutFor(amountIn, r1, r0);
            if (amountOut == 0) revert ZeroAmount();
            unchecked {
                balance1[msg.sender] = held - amountIn;
            }
            balance0[msg.sender] += amountOut;
            r1 += amountIn;
            r0 -= amountOut;
        }
        reserve0 = r0;
        reserve1 = r1;
        emit Swap(msg.sender, zeroForOne, amountIn, amountOut, r0, r1);
    }
}
