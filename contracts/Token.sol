// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Token: a minimal ERC-20 for the blocks `pevm bench` generates.
/// @notice Written for parallel-evm. The generator (src/workload/blocks.ts) sets balances directly
/// in the pre-state, so there is no constructor or mint: it relies on this storage layout, which
/// `npm run contracts` records in src/workload/contracts.json:
///   slot 0  balanceOf  mapping(address => uint256): balance of a at keccak256(pad32(a) ++ pad32(0))
///   slot 1  allowance  mapping(address => mapping(address => uint256))
///   slot 2  totalSupply
contract Token {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    error ZeroAddress();

    function name() external pure returns (string memory) {
        return "Parallel EVM Bench Token";
    }

    function symbol() external pure returns (string memory) {
        return "PEBT";
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        if (spender == address(0)) revert ZeroAddress();
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert InsufficientAllowance(from, msg.sender, allowed, value);
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    function _transfer(address from, address to, uint256 value) private {
        if (to == address(0)) revert ZeroAddress();
        uint256 fromBalance = balanceOf[from];
        if (fromBalance < value) revert InsufficientBalance(from, fromBalance, value);
        unchecked {
            // Cannot underflow (checked above); cannot overflow while the supply fits in 256 bits.
            balanceOf[from] = fromBalance - value;
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
    }
}
